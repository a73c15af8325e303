/*
 * container-init: PID 1 of a service's LXC container. Starts the container runtime (node), reaps every
 * orphan, and turns SIGTERM/SIGPWR/SIGINT/SIGHUP (lxc-stop sends SIGPWR) into a prompt shutdown:
 * SIGTERM to the runtime, then SIGKILL to everything left after the grace period.
 *
 *   container-init [--grace-ms=N] -- COMMAND...   (default: node /usr/lib/startos/container-runtime/index.js)
 *
 * Exits with the runtime's exit code (128+signal if it was killed), 0 after a requested shutdown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}
static void on_child(int sig) { (void)sig; }

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
  long grace_ms = 5000;
  const int is_pid1 = getpid() == 1;
  int i = 1;
  for (; i < argc; i++) {
    if (strncmp(argv[i], "--grace-ms=", 11) == 0) grace_ms = strtol(argv[i] + 11, NULL, 10);
    else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else break;
  }
  static char *default_cmd[] = {"/usr/bin/node", "/usr/lib/startos/container-runtime/index.js", NULL};
  char **cmd = i < argc ? &argv[i] : default_cmd;

  sigset_t handled, none;
  sigemptyset(&handled);
  sigemptyset(&none);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  int stops[] = {SIGTERM, SIGPWR, SIGINT, SIGHUP};
  for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
    sigaction(stops[k], &sa, NULL);
    sigaddset(&handled, stops[k]);
  }
  sa.sa_handler = on_child;
  sigaction(SIGCHLD, &sa, NULL);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGALRM);
  sa.sa_handler = on_child;
  sigaction(SIGALRM, &sa, NULL);
  sigset_t old;
  sigprocmask(SIG_BLOCK, &handled, &old);

  pid_t runtime = fork();
  if (runtime < 0) {
    perror("container-init: fork");
    return 1;
  }
  if (runtime == 0) {
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) sigaction(stops[k], &dfl, NULL);
    execv(cmd[0], cmd);
    fprintf(stderr, "container-init: cannot execute %s: %s\n", cmd[0], strerror(errno));
    _exit(127);
  }

  int exit_code = 0;
  int runtime_alive = 1;
  long deadline = -1;
  for (;;) {
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p == runtime) {
        runtime_alive = 0;
        exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (!stop_requested) fprintf(stderr, "container-init: runtime exited (%d); stopping the container\n", exit_code);
      }
    }
    if (stop_requested && deadline < 0) {
      deadline = now_ms() + grace_ms;
      if (runtime_alive) kill(runtime, SIGTERM);
      exit_code = 0;
    }
    if (!runtime_alive || (deadline >= 0 && now_ms() >= deadline)) {
      /* Nothing may outlive us. kill(-1) is only safe as PID 1 of the container's own PID namespace;
       * anywhere else (a test run on a host) only the runtime's process group is ended. */
      if (is_pid1) kill(-1, SIGKILL);
      else kill(-runtime, SIGKILL);
      while (waitpid(-1, NULL, is_pid1 ? 0 : WNOHANG) > 0) {
      }
      return stop_requested ? 0 : exit_code;
    }
    if (deadline >= 0) {
      long left = deadline - now_ms();
      struct itimerval it = {{0, 0}, {left / 1000, (left % 1000) * 1000 + 1000}};
      setitimer(ITIMER_REAL, &it, NULL);
    }
    sigsuspend(&none);
  }
}
