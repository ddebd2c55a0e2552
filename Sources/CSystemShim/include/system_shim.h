#ifndef SWEEP_SYSTEM_SHIM_H
#define SWEEP_SYSTEM_SHIM_H
#include <spawn.h>
#include <sys/types.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec.
int sweep_pipe_cloexec(int fds[2]);
/// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29).
int sweep_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// prctl(PR_SET_PDEATHSIG, signal): the kernel sends `signal` when the parent dies.
int sweep_set_parent_death_signal(int signal);


/// 1 if the child has exited (left as a zombie, not reaped, so its pid and process group id
/// cannot be reused yet), 0 if it still runs, -1 on error.
int sweep_child_has_exited(pid_t pid);
#endif
