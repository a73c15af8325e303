// host-mount: binds a path below one directory onto a path below another, on the host, without
// ever following a symlink below either directory. startd uses it for the `mount` effect: the
// source lies in a package's volume and the target in its subcontainer, both of which the package
// can change at any instant, so every component is opened relative to the one before with
// openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), the source is cloned with open_tree, made
// nosuid,nodev (and read-only) with mount_setattr while still detached, and attached with
// move_mount onto the target's file descriptor. No step names a path the package could swap.
//
//   host-mount [--read-only] SOURCE_ROOT SOURCE_PATH TARGET_ROOT TARGET_PATH
//   host-mount --unmount ROOT PATH
//   host-mount --kill ROOT PATH
//
// SOURCE_ROOT and TARGET_ROOT are trusted (the host's own directories); SOURCE_PATH and
// TARGET_PATH are relative and lie in the package's hands. The source must be a directory or a
// regular file. Missing components of TARGET_PATH are created (directories, and a last file when
// the source is a file) except the first one, which must exist (the subcontainer); an empty
// directory where a file is to be mounted is replaced by a file.
//
// --unmount detaches the mount whose root is PATH below ROOT, found the same way: umount(2) by
// name would follow a symlink the package swapped into the path after the host read it from the
// mount table, and could unmount one of the host's own filesystems.
//
// --kill SIGKILLs every process whose root directory (of any of its threads) lies on the overlay
// mounted at PATH below ROOT (a subcontainer: start-container pivots or chroots every process of it
// there), and repeats until a scan of /proc finds none alive, for at most 10 s. Each process is
// looked at and signalled through one open /proc/<pid> directory (pidfd_send_signal), so a pid
// that was recycled in between is never signalled. Only an overlay is accepted: any other
// filesystem there (a directory of the data disk, a bind the package made) could be the root of
// host processes.
//
// Exit status: 0 mounted (or, for --kill, no process left); 2 bad usage; 3 a path does not exist; 4 refused (a symlink, a
// non-directory on the way, a device or other special file, a type mismatch); 1 other failure.
// Every failure prints one sentence on stderr.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

enum { OK = 0, FAILED = 1, USAGE = 2, MISSING = 3, REFUSED = 4 };
enum kind { ANY, DIRECTORY, FILE_ };

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("host-mount: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

static int openat2_beneath(int dir, const char *name, int flags) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, dir, name, &how, sizeof how);
}

/** The trusted root: opened by its path, as a directory. */
static int open_root(const char *path) {
  int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) die(errno == ENOENT ? MISSING : FAILED, "%s: %s", path, strerror(errno));
  return fd;
}

/** Checks a package-supplied relative path: not empty, not absolute, no "..". */
static void check_relative(const char *what, const char *rel) {
  if (rel[0] == '\0') die(USAGE, "%s must not be empty", what);
  if (rel[0] == '/') die(REFUSED, "%s \"%s\" must be relative", what, rel);
  const char *p = rel;
  while (*p) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.') die(REFUSED, "%s \"%s\" must not contain '..'", what, rel);
    p += n;
    while (*p == '/') p++;
  }
}

/**
 * Opens REL below ROOT one component at a time (O_PATH), never through a symlink. With CREATE,
 * missing components after the first are made: directories, and the last as LAST when it is
 * FILE_. Dies with a sentence naming WHAT and the offending prefix of REL.
 */
static int walk(int root, const char *what, const char *rel, int create, enum kind last) {
  char *copy = strdup(rel);
  if (!copy) die(FAILED, "out of memory");
  int cur = root;
  int index = 0;
  char *save = NULL;
  char *part = strtok_r(copy, "/", &save);
  size_t shown = 0; // length of REL up to and including the current component
  while (part) {
    char *next = strtok_r(NULL, "/", &save);
    shown = (size_t)(part - copy) + strlen(part);
    if (strcmp(part, ".") == 0) {
      part = next;
      continue;
    }
    int is_last = next == NULL;
    int want_dir = !is_last || last == DIRECTORY;
    if (is_last && create && last == FILE_) {
      // the SDK prepares every mount point as a directory: an empty one gives way to the file
      // (AT_REMOVEDIR removes nothing else: not a symlink, a file, or a non-empty directory)
      unlinkat(cur, part, AT_REMOVEDIR);
    }
    int fd = openat2_beneath(cur, part, O_PATH | (want_dir && !is_last ? O_DIRECTORY : 0));
    if (fd < 0 && errno == ENOENT && create && index > 0) {
      int made;
      if (want_dir) {
        made = mkdirat(cur, part, 0755);
      } else {
        // O_EXCL|O_NOFOLLOW: creates a new regular file or fails, never opens a planted one
        made = openat(cur, part, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (made >= 0) made = close(made);
      }
      if (made < 0 && errno != EEXIST) {
        die(FAILED, "%s %.*s cannot be created: %s", what, (int)shown, rel, strerror(errno));
      }
      fd = openat2_beneath(cur, part, O_PATH | (want_dir && !is_last ? O_DIRECTORY : 0));
    }
    if (fd < 0) {
      int e = errno;
      if (e == ELOOP) die(REFUSED, "%s %.*s is a symlink; symlinks are not followed", what, (int)shown, rel);
      if (e == ENOTDIR) die(REFUSED, "%s %.*s is not a directory", what, (int)shown, rel);
      if (e == ENOENT) die(MISSING, "%s %.*s does not exist", what, (int)shown, rel);
      if (e == EXDEV) die(REFUSED, "%s %.*s leads outside its root", what, (int)shown, rel);
      die(FAILED, "%s %.*s: %s", what, (int)shown, rel, strerror(e));
    }
    if (cur != root) close(cur);
    cur = fd;
    index++;
    part = next;
  }
  free(copy);
  if (cur == root) die(USAGE, "%s \"%s\" names no path below its root", what, rel);
  struct stat st;
  if (fstat(cur, &st) < 0) die(FAILED, "%s %s: %s", what, rel, strerror(errno));
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
    die(REFUSED, "%s %s is neither a directory nor a regular file", what, rel);
  }
  if (last == DIRECTORY && !S_ISDIR(st.st_mode)) die(REFUSED, "%s %s is not a directory", what, rel);
  if (last == FILE_ && !S_ISREG(st.st_mode)) die(REFUSED, "%s %s is not a regular file", what, rel);
  return cur;
}

/** Detaches the mount rooted at REL below ROOT (through the fd's /proc link, never by name). */
static int unmount(const char *root_path, const char *rel) {
  check_relative("mount point", rel);
  int root = open_root(root_path);
  int fd = walk(root, "mount point", rel, 0, ANY);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (umount2(proc, MNT_DETACH) < 0) {
    if (errno == EINVAL) die(REFUSED, "mount point %s is not a mount point", rel);
    die(FAILED, "cannot unmount %s: %s", rel, strerror(errno));
  }
  return OK;
}

static int all_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
  }
  return 1;
}

/** Whether the process behind PROC (its /proc/<pid> directory) or one of its threads has its root on DEV. */
static int rooted_on(int proc, dev_t dev) {
  struct stat st;
  if (fstatat(proc, "root", &st, 0) == 0 && st.st_dev == dev) return 1;
  // a thread made without CLONE_FS has a root of its own
  int tasks = openat(proc, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (tasks < 0) return 0;
  DIR *d = fdopendir(tasks);
  if (d == NULL) {
    close(tasks);
    return 0;
  }
  int found = 0;
  struct dirent *de;
  while (!found && (de = readdir(d)) != NULL) {
    if (!all_digits(de->d_name)) continue;
    char root[300];
    snprintf(root, sizeof root, "%s/root", de->d_name);
    found = fstatat(dirfd(d), root, &st, 0) == 0 && st.st_dev == dev;
  }
  closedir(d);
  return found;
}

/** One pass over /proc: SIGKILLs every process rooted on DEV; returns how many were found. */
static int kill_pass(dev_t dev) {
  DIR *procs = opendir("/proc");
  if (procs == NULL) die(FAILED, "cannot list /proc: %s", strerror(errno));
  int found = 0;
  struct dirent *de;
  while ((de = readdir(procs)) != NULL) {
    if (!all_digits(de->d_name)) continue;
    // this descriptor stays bound to the process it was opened for: if that one ends and its pid
    // is reused, lookups and signals through it fail with ESRCH instead of reaching the new one
    int proc = openat(dirfd(procs), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) continue;
    if (rooted_on(proc, dev)) {
      found++;
      if (syscall(SYS_pidfd_send_signal, proc, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
        die(FAILED, "cannot kill process %s: %s", de->d_name, strerror(errno));
      }
    }
    close(proc);
  }
  closedir(procs);
  return found;
}

/** SIGKILLs the processes of the subcontainer whose overlay is mounted at REL below ROOT. */
static int kill_rooted(const char *root_path, const char *rel) {
  check_relative("subcontainer", rel);
  int root = open_root(root_path);
  int fd = walk(root, "subcontainer", rel, 0, DIRECTORY);
  struct statfs fs;
  struct stat st;
  if (fstatfs(fd, &fs) < 0 || fstat(fd, &st) < 0) die(FAILED, "subcontainer %s: %s", rel, strerror(errno));
  if (fs.f_type != OVERLAYFS_SUPER_MAGIC) {
    die(REFUSED, "subcontainer %s is not an overlay mount; no process is killed for it", rel);
  }
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int alive = kill_pass(st.st_dev);
    if (alive == 0) return OK;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= 10) {
      die(FAILED, "%d processes of subcontainer %s still run 10 s after SIGKILL", alive, rel);
    }
    usleep(10000);
  }
}

int main(int argc, char **argv) {
  int read_only = 0;
  int i = 1;
  if (argc == 4 && strcmp(argv[1], "--unmount") == 0) return unmount(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "--kill") == 0) return kill_rooted(argv[2], argv[3]);
  if (i < argc && strcmp(argv[i], "--read-only") == 0) {
    read_only = 1;
    i++;
  }
  if (argc - i != 4) {
    fprintf(stderr, "usage: host-mount [--read-only] SOURCE_ROOT SOURCE_PATH TARGET_ROOT TARGET_PATH\n");
    return USAGE;
  }
  const char *source_root = argv[i], *source = argv[i + 1];
  const char *target_root = argv[i + 2], *target = argv[i + 3];
  check_relative("source", source);
  check_relative("target", target);

  int sroot = open_root(source_root);
  int src = walk(sroot, "source", source, 0, ANY);
  struct stat st;
  if (fstat(src, &st) < 0) die(FAILED, "source %s: %s", source, strerror(errno));
  int troot = open_root(target_root);
  int dst = walk(troot, "target", target, 1, S_ISDIR(st.st_mode) ? DIRECTORY : FILE_);

  int tree = (int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) die(FAILED, "cannot clone source %s: %s", source, strerror(errno));
  // still detached: nobody sees the mount before it is nosuid,nodev and (maybe) read-only
  struct mount_attr attr = {
      .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (read_only ? MOUNT_ATTR_RDONLY : 0),
      .propagation = MS_PRIVATE,
  };
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    die(FAILED, "cannot set the flags of the mount of %s: %s", source, strerror(errno));
  }
  if (syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
    die(FAILED, "cannot mount %s on %s: %s", source, target, strerror(errno));
  }
  return OK;
}
