#define _GNU_SOURCE
#include "system_shim.h"
#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>

int sweep_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int sweep_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int sweep_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, (unsigned long)signal); }

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

int sweep_child_has_exited(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    return info.si_pid == pid ? 1 : 0;
}

#include <errno.h>
#include <stdio.h>

int sweep_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1UL); }

pid_t sweep_spawn_program(char *const argv[]) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    // The child: its own process group, killed if the supervisor dies, default signal handling.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL);
    if (getppid() != parent) _exit(137);
    int handled[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE};
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) signal(handled[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // A program written a moment ago can still be open for writing in a process some other thread
    // forked meanwhile (the descriptor closes at that process's exec): "Text file busy" passes.
    for (int tries = 0; tries < 400; tries++) {  // up to 2 s
        execvp(argv[0], argv);
        if (errno != ETXTBSY) break;
        usleep(5000);
    }
    char message[512];
    int length = snprintf(message, sizeof message, "cannot start '%s': %s\n", argv[0], strerror(errno));
    if (length > 0) (void)!write(2, message, (size_t)length);
    _exit(127);
}

#include <stdio.h>

int sweep_format_g(char *buffer, size_t size, int digits, double value) {
    return snprintf(buffer, size, "%.*g", digits, value);
}

int sweep_format_f(char *buffer, size_t size, int decimals, double value) {
    return snprintf(buffer, size, "%.*f", decimals, value);
}
