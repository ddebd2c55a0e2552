#ifndef SWEEP_SYSTEM_SHIM_H
#define SWEEP_SYSTEM_SHIM_H
#include <spawn.h>
#include <sys/types.h>
#include "build_info.h"

/// pipe2(fds, O_CLOEXEC): both ends close on exec.
int sweep_pipe_cloexec(int fds[2]);
/// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29).
int sweep_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// prctl(PR_SET_PDEATHSIG, signal): the kernel sends `signal` when the parent dies.
int sweep_set_parent_death_signal(int signal);


/// 1 if the child has exited (left as a zombie, not reaped, so its pid and process group id
/// cannot be reused yet), 0 if it still runs, -1 on error.
int sweep_child_has_exited(pid_t pid);

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process, not init.
int sweep_set_child_subreaper(void);
/// Forks and execs argv (PATH searched) in a new process group, with PR_SET_PDEATHSIG SIGKILL
/// towards the caller, default signal handling and an empty signal mask. Returns the pid or -1;
/// a failed exec prints why on stderr and exits 127.
pid_t sweep_spawn_program(char *const argv[]);

/// snprintf(buffer, size, "%.*g", digits, value): Swift cannot call C's variadic printf, and
/// Foundation's `String(format:)` boxes every argument (reports print a number per point).
int sweep_format_g(char *buffer, size_t size, int digits, double value);
/// snprintf(buffer, size, "%.*f", decimals, value).
int sweep_format_f(char *buffer, size_t size, int decimals, double value);
#endif
