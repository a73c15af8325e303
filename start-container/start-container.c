/*
 * start-container: the helper the StartOS SDK (2.0.9) spawns inside a service's LXC container.
 *
 *   start-container subcontainer launch [OPTIONS] ROOTFS [COMMAND...]
 *   start-container subcontainer exec   [OPTIONS] ROOTFS COMMAND...
 *   start-container bind-mount --source S --target T [--recursive] [--readonly] [--file]
 *                              [--idmap FROM:TO[:RANGE]]...
 *
 * OPTIONS: --env-file=F, --env=K=V (-e), --user=U[:G] (-u), --workdir=W (-w).
 *
 * launch: new PID/IPC/UTS/cgroup namespaces; the first process of the new PID namespace mounts a
 * fresh procfs on ROOTFS/proc (in the caller's mount namespace, so the SDK sees ROOTFS/proc/1), then
 * either idles (chrooted into ROOTFS) as an init holding the namespaces or becomes COMMAND (PID 1)
 * after pivoting into ROOTFS.
 * exec: joins the namespaces of ROOTFS/proc/1 and runs COMMAND pivoted into ROOTFS.
 * Both forward signals to the child and pass its exit status through (a signal death is re-raised).
 * Our own failures exit 125; a command that cannot be executed gives 126, one that is not found 127.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define EXIT_OWN 125
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Kept local: <linux/mount.h> clashes with glibc's <sys/mount.h> on this toolchain. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#endif
#ifndef MOUNT_ATTR_NODEV
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif

struct sc_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("start-container: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_OWN);
}

static void usage_error(const char *what) __attribute__((noreturn));
static void usage_error(const char *what) {
  fprintf(stderr,
          "start-container: %s\n"
          "usage: start-container subcontainer launch [--env-file=F] [--env=K=V]... [--user=U] "
          "[--workdir=W] ROOTFS [COMMAND...]\n"
          "       start-container subcontainer exec [same options] ROOTFS COMMAND...\n"
          "       start-container bind-mount --source S --target T [--recursive] [--readonly] "
          "[--file] [--idmap FROM:TO[:RANGE]]...\n",
          what);
  exit(2);
}

/* ---------- environment ---------- */

struct env {
  char **items;
  size_t len, cap;
};

static void env_set(struct env *e, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (eq == NULL || eq == kv) die("invalid environment entry '%s': expected KEY=VALUE", kv);
  size_t klen = (size_t)(eq - kv);
  for (size_t i = 0; i < e->len; i++) {
    if (strncmp(e->items[i], kv, klen) == 0 && e->items[i][klen] == '=') {
      free(e->items[i]);
      e->items[i] = strdup(kv);
      return;
    }
  }
  if (e->len + 2 > e->cap) {
    e->cap = e->cap ? e->cap * 2 : 32;
    e->items = realloc(e->items, e->cap * sizeof(char *));
    if (e->items == NULL) die("out of memory");
  }
  e->items[e->len++] = strdup(kv);
  e->items[e->len] = NULL;
}

static const char *env_get(const struct env *e, const char *key) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < e->len; i++)
    if (strncmp(e->items[i], key, klen) == 0 && e->items[i][klen] == '=') return e->items[i] + klen + 1;
  return NULL;
}

static void env_load_file(struct env *e, const char *path) {
  FILE *f = fopen(path, "re");
  if (f == NULL) die("cannot read env file %s: %s", path, strerror(errno));
  char *line = NULL;
  size_t n = 0;
  ssize_t len;
  int lineno = 0;
  while ((len = getline(&line, &n, f)) >= 0) {
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (len == 0 || line[0] == '#') continue;
    if (strchr(line, '=') == NULL || line[0] == '=')
      die("env file %s line %d is not KEY=VALUE: '%s'", path, lineno, line);
    env_set(e, line);
  }
  free(line);
  fclose(f);
}

/* ---------- options ---------- */

struct opts {
  const char *env_file;
  const char *user;
  const char *workdir;
  const char **envs;
  size_t nenv;
  const char *rootfs;
  char **command; /* NULL-terminated, possibly empty */
};

/* Accepts --name=value, --name value, and -x value. Returns the value or NULL if arg is not name. */
static const char *opt_value(char **argv, int argc, int *i, const char *lng, const char *shrt) {
  const char *a = argv[*i];
  size_t l = strlen(lng);
  if (strncmp(a, lng, l) == 0 && a[l] == '=') return a + l + 1;
  if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0)) {
    if (*i + 1 >= argc) {
      char msg[128];
      snprintf(msg, sizeof msg, "option %s needs a value", a);
      usage_error(msg);
    }
    return argv[++*i];
  }
  return NULL;
}

static void parse_opts(int argc, char **argv, struct opts *o) {
  memset(o, 0, sizeof *o);
  o->envs = calloc((size_t)argc + 1, sizeof(char *));
  int i = 0;
  for (; i < argc; i++) {
    const char *a = argv[i], *v;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || a[1] == '\0') break;
    if ((v = opt_value(argv, argc, &i, "--env-file", NULL)) != NULL) o->env_file = v;
    else if ((v = opt_value(argv, argc, &i, "--env", "-e")) != NULL) o->envs[o->nenv++] = v;
    else if ((v = opt_value(argv, argc, &i, "--user", "-u")) != NULL) o->user = v;
    else if ((v = opt_value(argv, argc, &i, "--workdir", "-w")) != NULL) o->workdir = v;
    else {
      char msg[512];
      snprintf(msg, sizeof msg, "unknown option '%s'", a);
      usage_error(msg);
    }
  }
  if (i >= argc) usage_error("missing ROOTFS");
  o->rootfs = argv[i++];
  o->command = &argv[i];
}

/* ---------- users ---------- */

struct ident {
  uid_t uid;
  gid_t gid;
  char name[256];
  char home[1024];
  gid_t groups[64];
  int ngroups;
};

static int all_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return 0;
  return 1;
}

/* Resolves USER[:GROUP] against ROOTFS/etc/passwd and ROOTFS/etc/group (never the caller's). */
static void resolve_ident(const char *rootfs, const char *spec, struct ident *id) {
  char user[256] = "root", group[256] = "";
  if (spec != NULL && *spec) {
    const char *colon = strchr(spec, ':');
    if (colon) {
      snprintf(user, sizeof user, "%.*s", (int)(colon - spec), spec);
      snprintf(group, sizeof group, "%s", colon + 1);
    } else {
      snprintf(user, sizeof user, "%s", spec);
    }
  }
  if (user[0] == '\0') die("invalid user '%s': empty user name", spec);
  int numeric = all_digits(user);
  int found = 0;
  id->uid = numeric ? (uid_t)strtoul(user, NULL, 10) : 0;
  id->gid = id->uid;
  snprintf(id->name, sizeof id->name, "%s", user);
  snprintf(id->home, sizeof id->home, "/");
  id->ngroups = 0;

  char path[4096];
  snprintf(path, sizeof path, "%s/etc/passwd", rootfs);
  FILE *f = fopen(path, "re");
  if (f != NULL) {
    char *line = NULL;
    size_t n = 0;
    while (getline(&line, &n, f) >= 0) {
      line[strcspn(line, "\r\n")] = '\0';
      char *fields[7] = {0};
      char *p = line;
      for (int k = 0; k < 7 && p; k++) {
        fields[k] = p;
        p = strchr(p, ':');
        if (p) *p++ = '\0';
      }
      if (fields[2] == NULL || fields[3] == NULL) continue;
      int match = numeric ? ((uid_t)strtoul(fields[2], NULL, 10) == id->uid && all_digits(fields[2]))
                          : strcmp(fields[0], user) == 0;
      if (!match) continue;
      id->uid = (uid_t)strtoul(fields[2], NULL, 10);
      id->gid = (gid_t)strtoul(fields[3], NULL, 10);
      snprintf(id->name, sizeof id->name, "%s", fields[0]);
      if (fields[5] && *fields[5]) snprintf(id->home, sizeof id->home, "%s", fields[5]);
      found = 1;
      break;
    }
    free(line);
    fclose(f);
  }
  if (!found && !numeric) {
    if (strcmp(user, "root") == 0) {
      id->uid = 0;
      id->gid = 0;
      snprintf(id->home, sizeof id->home, "/root");
    } else {
      die("user '%s' does not exist in %s/etc/passwd", user, rootfs);
    }
  }

  snprintf(path, sizeof path, "%s/etc/group", rootfs);
  f = fopen(path, "re");
  int group_found = group[0] == '\0' || all_digits(group);
  if (group[0] != '\0' && all_digits(group)) id->gid = (gid_t)strtoul(group, NULL, 10);
  if (f != NULL) {
    char *line = NULL;
    size_t n = 0;
    while (getline(&line, &n, f) >= 0) {
      line[strcspn(line, "\r\n")] = '\0';
      char *name = line, *p = strchr(line, ':');
      if (!p) continue;
      *p++ = '\0';
      p = strchr(p, ':');
      if (!p) continue;
      p++;
      char *members = strchr(p, ':');
      if (!members) continue;
      *members++ = '\0';
      if (!all_digits(p)) continue;
      gid_t g = (gid_t)strtoul(p, NULL, 10);
      if (group[0] != '\0' && !all_digits(group) && strcmp(name, group) == 0) {
        id->gid = g;
        group_found = 1;
      }
      for (char *m = strtok(members, ","); m; m = strtok(NULL, ","))
        if (strcmp(m, id->name) == 0 && id->ngroups < 64) id->groups[id->ngroups++] = g;
    }
    free(line);
    fclose(f);
  }
  if (!group_found) die("group '%s' does not exist in %s/etc/group", group, rootfs);
}

/* ---------- entering the rootfs ---------- */

static void build_env(const struct opts *o, const struct ident *id, struct env *e) {
  memset(e, 0, sizeof *e);
  env_set(e, "PATH=" DEFAULT_PATH);
  if (o->env_file) env_load_file(e, o->env_file);
  for (size_t i = 0; i < o->nenv; i++) env_set(e, o->envs[i]);
  if (env_get(e, "HOME") == NULL) {
    char kv[1100];
    snprintf(kv, sizeof kv, "HOME=%s", id->home);
    env_set(e, kv);
  }
  if (env_get(e, "HOSTNAME") == NULL) {
    char host[256], kv[300];
    if (gethostname(host, sizeof host) == 0) {
      host[sizeof host - 1] = '\0';
      snprintf(kv, sizeof kv, "HOSTNAME=%s", host);
      env_set(e, kv);
    }
  }
}

/* Runs in the child: private mount namespace, pivot into rootfs, drop to the user, exec. Never returns.
 * parent is getppid() as this child saw it first (0 across a PID namespace boundary). */
static void enter_and_exec(const struct opts *o, const struct ident *id, struct env *e, pid_t parent) {
  if (unshare(CLONE_NEWNS) < 0) die("unshare(mount namespace): %s", strerror(errno));
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) die("make mounts slave: %s", strerror(errno));
  if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    die("bind %s onto itself: %s", o->rootfs, strerror(errno));
  if (chdir(o->rootfs) < 0) die("chdir %s: %s", o->rootfs, strerror(errno));
  /* new_root == put_old: the old root is stacked under "." and detached right away. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) die("pivot_root into %s: %s", o->rootfs, strerror(errno));
  if (umount2(".", MNT_DETACH) < 0) die("detach old root: %s", strerror(errno));
  if (chdir("/") < 0) die("chdir /: %s", strerror(errno));
  const char *wd = o->workdir && *o->workdir ? o->workdir : "/";
  if (chdir(wd) < 0) die("workdir %s: %s", wd, strerror(errno));
  if (setsid() < 0 && errno != EPERM) die("setsid: %s", strerror(errno));
  if (id->uid != 0) {
    /* So the user can still open /dev/stdout etc. (as the official helper does). */
    for (int fd = 0; fd <= 2; fd++) {
      char p[32];
      snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
      if (chown(p, id->uid, id->gid) < 0) { /* best effort: may be a foreign tty */
      }
    }
  }
  /* In a user namespace with setgroups denied, clearing the list is impossible but also harmless. */
  if (setgroups((size_t)id->ngroups, id->groups) < 0 && !(errno == EPERM && id->ngroups == 0))
    die("setgroups: %s", strerror(errno));
  if (setgid(id->gid) < 0) die("setgid %u: %s", (unsigned)id->gid, strerror(errno));
  if (setuid(id->uid) < 0) die("setuid %u: %s", (unsigned)id->uid, strerror(errno));
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  /* Set after the credential change, which clears it. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(EXIT_OWN);
  environ = e->items;
  execvp(o->command[0], o->command);
  int err = errno;
  fprintf(stderr, "start-container: cannot execute '%s' in %s: %s\n", o->command[0], o->rootfs,
          strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}

/* ---------- signals ---------- */

static volatile pid_t forward_to = 0;
static const int FORWARDED[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                                SIGWINCH, SIGCONT, SIGALRM, SIGPWR, SIGTSTP};
#define NFORWARDED (sizeof FORWARDED / sizeof FORWARDED[0])

static void on_forward(int sig) {
  int saved = errno;
  if (forward_to > 0) kill(forward_to, sig);
  errno = saved;
}

static void block_forwarded(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < NFORWARDED; i++) sigaddset(&set, FORWARDED[i]);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, old);
}

static void install_forwarding(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_forward;
  sa.sa_flags = SA_RESTART;
  sigfillset(&sa.sa_mask);
  for (size_t i = 0; i < NFORWARDED; i++) sigaction(FORWARDED[i], &sa, NULL);
}

static void reset_signals(const sigset_t *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (size_t i = 0; i < NFORWARDED; i++) sigaction(FORWARDED[i], &sa, NULL);
  sigaction(SIGPIPE, &sa, NULL);
  sigprocmask(SIG_SETMASK, old, NULL);
}

/* Waits for the child and leaves with its status: exit code as is, a signal death re-raised. */
static void wait_and_pass_through(pid_t child, void (*cleanup)(void)) __attribute__((noreturn));
static void wait_and_pass_through(pid_t child, void (*cleanup)(void)) {
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) die("waitpid: %s", strerror(errno));
  }
  forward_to = 0;
  if (cleanup) cleanup();
  if (WIFEXITED(status)) exit(WEXITSTATUS(status));
  int sig = WTERMSIG(status);
  struct rlimit nocore = {0, 0};
  setrlimit(RLIMIT_CORE, &nocore);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  exit(128 + sig);
}

/* ---------- launch ---------- */

static char proc_path[4096];

static int is_mountpoint(const char *path) {
  struct stat a, b;
  char parent[4200];
  snprintf(parent, sizeof parent, "%s/..", path);
  if (stat(path, &a) < 0 || stat(parent, &b) < 0) return 0;
  return a.st_dev != b.st_dev;
}

static void umount_proc(void) {
  if (is_mountpoint(proc_path)) umount2(proc_path, MNT_DETACH);
}

/* A leader already running for this rootfs (SIGKILLed SDK handles leave them) is killed first. */
static void kill_previous_init(const char *rootfs) {
  char p[4200], want[64], got[64], own[64];
  snprintf(p, sizeof p, "%s/proc/1/ns/pid", rootfs);
  ssize_t n = readlink(p, want, sizeof want - 1);
  ssize_t o = readlink("/proc/self/ns/pid", own, sizeof own - 1);
  if (n > 0) {
    want[n] = '\0';
    /* ROOTFS/proc showing our own namespace means it is the caller's procfs, not a subcontainer's. */
    if (o > 0 && (own[o] = '\0', strcmp(own, want) == 0))
      die("%s/proc is the caller's own procfs, not a subcontainer's; refusing to touch it", rootfs);
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
      if (!all_digits(de->d_name)) continue;
      snprintf(p, sizeof p, "/proc/%s/ns/pid", de->d_name);
      ssize_t m = readlink(p, got, sizeof got - 1);
      if (m <= 0) continue;
      got[m] = '\0';
      if (strcmp(got, want) != 0) continue;
      /* Killing any member would do; the ns init (NSpid ending in 1) takes the rest with it. */
      snprintf(p, sizeof p, "/proc/%s/status", de->d_name);
      FILE *f = fopen(p, "re");
      char line[256];
      while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "NSpid:", 6) == 0) {
          char *last = strrchr(line, '\t');
          if (last && atoi(last + 1) == 1) kill(atoi(de->d_name), SIGKILL);
        }
      }
      if (f) fclose(f);
    }
    if (d) closedir(d);
    for (int i = 0; i < 200; i++) { /* up to 1 s for the namespace to die */
      snprintf(p, sizeof p, "%s/proc/1", rootfs);
      if (access(p, F_OK) < 0) break;
      usleep(5000);
    }
  }
  snprintf(proc_path, sizeof proc_path, "%s/proc", rootfs);
  umount_proc();
}

static volatile sig_atomic_t init_should_exit = 0;
static void on_init_term(int sig) {
  (void)sig;
  init_should_exit = 1;
}
static void on_init_child(int sig) { (void)sig; }

/* PID 1 with no command: reap orphans, leave on a termination signal. Rooted in ROOTFS like every
 * other process of the subcontainer: that is how the host finds them all to kill when it is destroyed. */
static void idle_init(const char *rootfs) __attribute__((noreturn));
static void idle_init(const char *rootfs) {
  if (chroot(rootfs) < 0 || chdir("/") < 0) die("chroot into %s: %s", rootfs, strerror(errno));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_init_term;
  sigset_t wake, none;
  sigemptyset(&wake);
  sigemptyset(&none);
  int term[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPWR, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof term / sizeof term[0]; i++) {
    sigaction(term[i], &sa, NULL);
    sigaddset(&wake, term[i]);
  }
  sa.sa_handler = on_init_child;
  sigaction(SIGCHLD, &sa, NULL);
  sigaddset(&wake, SIGCHLD);
  /* Signals stay blocked except inside sigsuspend, so none is lost between the check and the wait. */
  sigprocmask(SIG_SETMASK, &wake, NULL);
  while (!init_should_exit) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    sigsuspend(&none);
  }
  _exit(0);
}

static int cmd_launch(int argc, char **argv) {
  struct opts o;
  parse_opts(argc, argv, &o);
  struct stat st;
  if (stat(o.rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) die("rootfs %s is not a directory", o.rootfs);
  char real[4096];
  if (realpath(o.rootfs, real) == NULL || strcmp(real, "/") == 0)
    die("rootfs %s resolves to / ; a subcontainer needs its own root directory", o.rootfs);
  struct ident id;
  struct env e = {0};
  if (o.command[0] != NULL) {
    resolve_ident(o.rootfs, o.user, &id);
    build_env(&o, &id, &e);
  }
  kill_previous_init(o.rootfs);
  if (mkdir(proc_path, 0555) < 0 && errno != EEXIST) die("mkdir %s: %s", proc_path, strerror(errno));

  if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP) < 0)
    die("unshare(pid, ipc, uts, cgroup namespaces): %s", strerror(errno));
  sigset_t old;
  block_forwarded(&old);
  install_forwarding();
  pid_t child = fork();
  if (child < 0) die("fork: %s", strerror(errno));
  if (child == 0) {
    /* Seen from inside the new PID namespace the parent is pid 0. */
    pid_t parent_seen = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent_seen) _exit(EXIT_OWN);
    if (mount("proc", proc_path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
      die("mount procfs on %s: %s", proc_path, strerror(errno));
    if (o.command[0] == NULL) idle_init(o.rootfs);
    reset_signals(&old);
    enter_and_exec(&o, &id, &e, parent_seen);
  }
  forward_to = child;
  sigprocmask(SIG_SETMASK, &old, NULL);
  wait_and_pass_through(child, umount_proc);
}

/* ---------- exec ---------- */

static int cmd_exec(int argc, char **argv) {
  struct opts o;
  parse_opts(argc, argv, &o);
  if (o.command[0] == NULL) usage_error("exec needs a COMMAND after ROOTFS");
  static const struct {
    const char *name;
    int flag;
  } NS[] = {{"pid", CLONE_NEWPID}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP}};
  int fds[4];
  for (int i = 0; i < 4; i++) {
    char p[4200];
    snprintf(p, sizeof p, "%s/proc/1/ns/%s", o.rootfs, NS[i].name);
    fds[i] = open(p, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      if (errno == ENOENT)
        die("no subcontainer is running in %s (no %s/proc/1): launch it first", o.rootfs, o.rootfs);
      die("open %s: %s", p, strerror(errno));
    }
  }
  struct ident id;
  struct env e;
  resolve_ident(o.rootfs, o.user, &id);
  build_env(&o, &id, &e);
  for (int i = 0; i < 4; i++) {
    if (setns(fds[i], NS[i].flag) < 0) die("join %s namespace of %s: %s", NS[i].name, o.rootfs, strerror(errno));
    close(fds[i]);
  }
  sigset_t old;
  block_forwarded(&old);
  install_forwarding();
  pid_t child = fork();
  if (child < 0) die("fork: %s", strerror(errno));
  if (child == 0) {
    reset_signals(&old);
    enter_and_exec(&o, &id, &e, getppid());
  }
  forward_to = child;
  sigprocmask(SIG_SETMASK, &old, NULL);
  wait_and_pass_through(child, NULL);
}

/* ---------- bind-mount ---------- */

struct idmap {
  unsigned long from, to, range;
};

/* FROM:TO[:RANGE], digits only. */
static int parse_idmap(const char *v, struct idmap *m) {
  unsigned long vals[3] = {0, 0, 1};
  int k = 0;
  const char *p = v;
  while (k < 3) {
    if (!isdigit((unsigned char)*p)) return 0;
    char *end;
    errno = 0;
    vals[k++] = strtoul(p, &end, 10);
    if (errno || vals[k - 1] > 0xFFFFFFFFUL) return 0;
    p = end;
    if (*p == '\0') break;
    if (*p != ':') return 0;
    p++;
  }
  if (*p != '\0' || k < 2 || vals[2] == 0) return 0;
  m->from = vals[0];
  m->to = vals[1];
  m->range = vals[2];
  return 1;
}

static int make_userns(const struct idmap *maps, int n) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) die("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    close(pipefd[1]);
    char c;
    if (unshare(CLONE_NEWUSER) < 0) _exit(1);
    /* Stay until the parent has opened our userns. */
    if (read(pipefd[0], &c, 1) < 0) _exit(1);
    _exit(0);
  }
  close(pipefd[0]);
  char map[4096] = "";
  for (int i = 0; i < n; i++) {
    char line[96];
    snprintf(line, sizeof line, "%lu %lu %lu\n", maps[i].from, maps[i].to, maps[i].range);
    strncat(map, line, sizeof map - strlen(map) - 1);
  }
  char p[64];
  int fd = -1;
  /* The child unshares asynchronously: wait until its userns differs from ours. */
  char mine[64] = "", theirs[64] = "";
  if (readlink("/proc/self/ns/user", mine, sizeof mine - 1) < 0) die("readlink own userns: %s", strerror(errno));
  for (int i = 0; i < 2000; i++) {
    snprintf(p, sizeof p, "/proc/%d/ns/user", pid);
    memset(theirs, 0, sizeof theirs);
    if (readlink(p, theirs, sizeof theirs - 1) > 0 && strcmp(theirs, mine) != 0) break;
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) die("could not create a user namespace for the idmap");
    usleep(500);
  }
  const char *files[] = {"uid_map", "gid_map"};
  for (int k = 0; k < 2; k++) {
    snprintf(p, sizeof p, "/proc/%d/%s", pid, files[k]);
    int m = open(p, O_WRONLY | O_CLOEXEC);
    if (m < 0 || write(m, map, strlen(map)) < 0)
      die("write idmap '%s' to %s: %s", strtok(map, "\n"), p, strerror(errno));
    close(m);
  }
  snprintf(p, sizeof p, "/proc/%d/ns/user", pid);
  fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open %s: %s", p, strerror(errno));
  close(pipefd[1]);
  waitpid(pid, NULL, 0);
  return fd;
}

static int cmd_bind_mount(int argc, char **argv) {
  const char *source = NULL, *target = NULL;
  int recursive = 0, file = 0, readonly = 0, nmaps = 0;
  struct idmap maps[340];
  for (int i = 0; i < argc; i++) {
    const char *v;
    if ((v = opt_value(argv, argc, &i, "--source", NULL)) != NULL) source = v;
    else if ((v = opt_value(argv, argc, &i, "--target", NULL)) != NULL) target = v;
    else if (strcmp(argv[i], "--recursive") == 0) recursive = 1;
    else if (strcmp(argv[i], "--file") == 0) file = 1;
    else if (strcmp(argv[i], "--readonly") == 0) readonly = 1;
    else if ((v = opt_value(argv, argc, &i, "--idmap", NULL)) != NULL) {
      if (nmaps >= 340) die("too many --idmap entries (at most 340)");
      struct idmap m = {0, 0, 1};
      if (!parse_idmap(v, &m))
        die("invalid --idmap '%s': expected FROM:TO[:RANGE] with non-negative integers and RANGE >= 1", v);
      maps[nmaps++] = m;
    } else {
      char msg[512];
      snprintf(msg, sizeof msg, "unknown bind-mount argument '%s'", argv[i]);
      usage_error(msg);
    }
  }
  if (source == NULL || *source == '\0') usage_error("bind-mount needs --source");
  if (target == NULL || *target == '\0') usage_error("bind-mount needs --target");
  struct stat s, t;
  if (stat(source, &s) < 0) die("bind-mount source %s: %s", source, strerror(errno));
  if (file && S_ISDIR(s.st_mode)) die("bind-mount source %s is a directory but --file was given", source);
  if (!file && !S_ISDIR(s.st_mode)) die("bind-mount source %s is not a directory (pass --file for a file)", source);
  if (stat(target, &t) < 0) {
    if (errno != ENOENT) die("bind-mount target %s: %s", target, strerror(errno));
    if (file) {
      int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) die("create bind-mount target file %s: %s", target, strerror(errno));
      close(fd);
    } else if (mkdir(target, 0755) < 0) {
      die("create bind-mount target directory %s: %s", target, strerror(errno));
    }
  } else if (file && S_ISDIR(t.st_mode)) {
    die("bind-mount target %s is a directory but --file was given", target);
  } else if (!file && !S_ISDIR(t.st_mode)) {
    die("bind-mount target %s is not a directory (pass --file for a file)", target);
  }

  unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  int fd;
  if (nmaps == 0) {
    fd = (int)syscall(SYS_open_tree, AT_FDCWD, source, tree_flags);
    if (fd < 0) die("clone mount of %s: %s", source, strerror(errno));
  } else {
    int userns = make_userns(maps, nmaps);
    struct sc_mount_attr attr = {MOUNT_ATTR_IDMAP, 0, 0, (uint64_t)userns};
    /* Atomic clone+idmap (Linux 6.15+) also works when the source is itself idmapped. */
    fd = (int)syscall(SYS_open_tree_attr, AT_FDCWD, source, tree_flags, &attr, sizeof attr);
    if (fd < 0 && (errno == ENOSYS || errno == EINVAL)) {
      fd = (int)syscall(SYS_open_tree, AT_FDCWD, source, tree_flags);
      if (fd < 0) die("clone mount of %s: %s", source, strerror(errno));
      if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        die("idmap the mount of %s: %s", source, strerror(errno));
    } else if (fd < 0) {
      die("idmapped clone of %s: %s", source, strerror(errno));
    }
    close(userns);
  }
  /* nodev,nosuid always: the sources are package data (volumes, assets), where a device node or a
   * setuid file must give nothing. */
  struct sc_mount_attr restrict_attr = {MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | (readonly ? MOUNT_ATTR_RDONLY : 0), 0, 0, 0};
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &restrict_attr,
              sizeof restrict_attr) < 0)
    die("make the mount of %s %snodev,nosuid: %s", source, readonly ? "read-only, " : "", strerror(errno));
  if (syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    die("attach %s at %s: %s", source, target, strerror(errno));
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) usage_error("missing subcommand");
  if (strcmp(argv[1], "subcontainer") == 0) {
    if (argc < 3) usage_error("subcontainer needs 'launch' or 'exec'");
    if (strcmp(argv[2], "launch") == 0) return cmd_launch(argc - 3, argv + 3);
    if (strcmp(argv[2], "exec") == 0) return cmd_exec(argc - 3, argv + 3);
    char msg[512];
    snprintf(msg, sizeof msg, "unknown subcontainer command '%s'", argv[2]);
    usage_error(msg);
  }
  if (strcmp(argv[1], "bind-mount") == 0) return cmd_bind_mount(argc - 2, argv + 2);
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage_error("help");
  }
  char msg[512];
  snprintf(msg, sizeof msg, "unknown command '%s'", argv[1]);
  usage_error(msg);
}
