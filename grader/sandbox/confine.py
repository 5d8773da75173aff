"""Confining the student's process with whatever the operating system offers.

Run by the worker before it loads the student's file. Every step is best effort: what could be
applied is returned, by name, so that reports say what was enforced. Standard library only; the
worker loads this file by path.

On Linux:
- resource limits: memory (address space), file size (so output cannot fill the disk), no core
  files, processor time as a backstop, and the number of processes and threads (a `pids`
  control group as root, where the kernel would not apply the limit to user id 0);
- as root, or where unprivileged user namespaces are allowed: private mount, network and
  process-id namespaces, and a file system of its own. That file system holds only what
  Python needs, read-only: the system folders (/usr, /lib, /bin, /etc, ...), the Python
  installation and its packages, a few devices (/dev/null, /dev/urandom, ...), a read-only
  /proc of its own processes, and a small writable working folder, always at /sandbox (its
  HOME and TMPDIR), with the day's data/ folder in it, read-only. Everything else (home
  folders, /tmp, /run, other students' files, the course's exercises/, solutions/ and git
  history, the grader's working folders) is not there.
  Where that file system cannot be built, the course's folders, the submission and the
  grader's working folders are hidden under empty mounts and every file system is made
  read-only instead. No network interface is up; the student's code sees only its own
  processes and cannot signal the grader's;
- as root: a user id of its own, with no groups, where the Python installation is readable by
  other users (inside its own file system it always is); otherwise user id 0 with every
  capability dropped for good;
- no new privileges (setuid programs cannot raise them again).
Elsewhere (macOS, Windows), only the limits the platform has; time limits are always enforced by
the grader, from outside.
"""

from __future__ import annotations

import os
import sys
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_RELATIME = 1 << 21
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
_MOUNT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}
# statvfs flags of a mount, and the mount flags a read-only bind must keep (a user namespace
# may not clear them)
_KEPT_FLAGS = ((2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC), (1024, MS_NOATIME),
               (2048, MS_NODIRATIME), (4096, MS_RELATIME))
SANDBOX = "/sandbox"  # the working folder, at the same path on every grading
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
DEVICES = ("null", "zero", "full", "random", "urandom")
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}


def _libc() -> Any:
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def apply_limits(config: dict[str, Any], applied: list[str]) -> None:
    """Resource limits (POSIX); the number of processes counts this user's existing ones."""
    try:
        import resource
    except ImportError:
        return
    wanted = [
        ("memory", resource.RLIMIT_AS, config["memory_bytes"]),
        ("output size", resource.RLIMIT_FSIZE, config["output_file_bytes"]),
        ("core files", resource.RLIMIT_CORE, 0),
        ("processor time", resource.RLIMIT_CPU, config["cpu_seconds"]),
    ]
    nproc = getattr(resource, "RLIMIT_NPROC", None)
    # the kernel never applies RLIMIT_NPROC to user id 0: there, a control group does it
    if nproc is not None and sys.platform.startswith("linux") and os.getuid() != 0:
        existing = 1 if "own user id" in applied else config.get("existing_tasks", 0)
        wanted.append(("processes", nproc, existing + config["processes"]))
    for name, limit, value in wanted:
        try:
            _soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
            if name not in applied:
                applied.append(name)
        except (ValueError, OSError):
            pass


def join_control_group(config: dict[str, Any], applied: list[str]) -> None:
    """As root: enter the `pids` control group the grader made for this sandbox."""
    path = config.get("cgroup")
    if not path:
        return
    try:
        with open(os.path.join(path, "cgroup.procs"), "w") as handle:
            handle.write(str(os.getpid()))
        applied.append("processes")
    except OSError:
        pass


def _tasks_of_this_user() -> int:
    """Processes and threads of this user id now (what RLIMIT_NPROC counts)."""
    uid = os.getuid()
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                count += len(os.listdir(f"/proc/{entry}/task"))
        except OSError:
            continue
    return count


def enter_namespaces(config: dict[str, Any], applied: list[str]) -> bool:
    """Linux, as root or with user namespaces: new mount, network and process-id namespaces,
    the course's folders hidden and the file systems read-only. True when a process-id
    namespace waits for a fork: the next child is its first process. The current folder must
    be the sandbox's working folder."""
    if not sys.platform.startswith("linux"):
        return False
    config["existing_tasks"] = _tasks_of_this_user()
    join_control_group(config, applied)
    libc = _libc()
    root = os.geteuid() == 0
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | (0 if root else CLONE_NEWUSER)
    if libc.unshare(flags) != 0:
        return False
    if not root:
        _map_ids(uid, gid)
    applied.append("no network")
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return True
    if _own_root(libc, config):
        applied += ["course files hidden", "read-only files", "own file system"]
        return True
    workdir = os.getcwd()
    # the working folder becomes a mount of its own, to stay writable; enter it
    if libc.mount(os.fsencode(workdir), os.fsencode(workdir), None, MS_BIND, None) == 0:
        os.chdir(workdir)
    data = config.get("data")
    if data and os.path.isdir(data):  # the day's data inside it, read-only all the same
        fd = os.open(data, os.O_PATH)
        try:
            _bind_read_only(libc, fd, os.path.join(workdir, data))
        except OSError:
            pass  # its files are read-only already; the folder stays writable
        finally:
            os.close(fd)
    if _hide(libc, config.get("hide", [])):
        applied.append("course files hidden")
    if _read_only(libc, keep={workdir, *config.get("hide", [])}):
        applied.append("read-only files")  # but the working folder, which is also TMPDIR
    return True


def _own_root(libc: Any, config: dict[str, Any]) -> bool:
    """Build a file system of only what Python needs (see the module docstring) and make it
    this process's root, its working folder at /sandbox. False, with nothing changed, where
    it cannot be built; the current folder must be the sandbox's working folder."""
    import platform

    pivot_root = SYS_PIVOT_ROOT.get(platform.machine())
    if pivot_root is None or not os.path.isdir("/tmp"):
        return False
    os.umask(0o022)
    files = {name: _read_file(name) for name in os.listdir(".") if os.path.isfile(name)}
    sources = [(path, os.open(path, os.O_PATH)) for path in _needed_paths()]
    devices = [(name, os.open(f"/dev/{name}", os.O_PATH)) for name in DEVICES
               if os.path.exists(f"/dev/{name}")]
    data = config.get("data")
    if data and os.path.isdir(data):  # the day's data, read-only beside the student's file
        sources.append((f"{SANDBOX}/{data}", os.open(data, os.O_PATH)))
    try:
        flags = MS_NOSUID | MS_NODEV
        if libc.mount(b"tmpfs", b"/tmp", b"tmpfs", flags, b"mode=0755,size=8m") != 0:
            return False
        try:
            _furnish("/tmp", libc, sources, devices, files, config)
            os.mkdir("/tmp/.old")
            if libc.syscall(pivot_root, b"/tmp", b"/tmp/.old") != 0:
                raise OSError("pivot_root failed")
        except OSError:
            libc.umount2(b"/tmp", MNT_DETACH)
            return False
    finally:
        for _path, fd in (*sources, *devices):
            os.close(fd)
    os.chdir("/")
    libc.umount2(b"/.old", MNT_DETACH)
    os.rmdir("/.old")
    libc.mount(None, b"/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    os.chdir(SANDBOX)
    for name in ("HOME", "TMPDIR", "TEMP", "TMP"):
        os.environ[name] = SANDBOX
    return True


def _read_file(name: str) -> bytes:
    with open(name, "rb") as handle:
        return handle.read()


def _needed_paths() -> list[str]:
    """The folders the new file system holds: the system's, and Python's with its packages,
    each once (not one inside another)."""
    wanted = [p for p in SYSTEM_FOLDERS if os.path.lexists(p)]
    for path in _python_paths():
        wanted += {path, os.path.realpath(path)}
    chosen: list[str] = []
    for path in sorted(set(wanted), key=lambda p: (p.count("/"), p)):
        if os.path.isdir(path) and not any(
            path == c or path.startswith(c.rstrip("/") + "/") for c in chosen
        ):
            chosen.append(path)
    return chosen


def _furnish(root: str, libc: Any, sources: list[tuple[str, int]],
             devices: list[tuple[str, int]], files: dict[str, bytes],
             config: dict[str, Any]) -> None:
    """Fill the new root: read-only binds of `sources`, the devices, /proc (mounted later),
    the working folder with `files`, and the hidden folders covered."""
    for path, fd in sources:
        if path.startswith(SANDBOX + "/"):
            continue  # inside the working folder, which is made below
        target = root + path
        if os.path.islink(path):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(os.readlink(path), target)
            continue
        os.makedirs(target, exist_ok=True)
        _bind_read_only(libc, fd, target)
    os.makedirs(root + "/dev", exist_ok=True)
    for name, fd in devices:
        target = f"{root}/dev/{name}"
        open(target, "w").close()
        _bind(libc, fd, target, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/proc", exist_ok=True)
    sandbox = root + SANDBOX
    os.makedirs(sandbox)
    size = f"mode=0700,size={config.get('disk_bytes', 64 << 20)}".encode()
    if libc.mount(b"tmpfs", os.fsencode(sandbox), b"tmpfs", MS_NOSUID | MS_NODEV, size) != 0:
        raise OSError("no working folder")
    for name, data in files.items():
        with open(os.path.join(sandbox, name), "wb") as handle:
            handle.write(data)
    for path, fd in sources:
        if path.startswith(SANDBOX + "/"):
            os.makedirs(root + path)
            _bind_read_only(libc, fd, root + path)
    _hide(libc, [root + path for path in config.get("hide", []) if os.path.isdir(root + path)])


def _bind(libc: Any, fd: int, target: str, flags: int) -> None:
    if libc.mount(f"/proc/self/fd/{fd}".encode(), os.fsencode(target), None, flags, None) != 0:
        raise OSError(f"cannot bind {target}")


def _bind_read_only(libc: Any, fd: int, target: str) -> None:
    _bind(libc, fd, target, MS_BIND | MS_REC)
    kept = 0
    info = os.statvfs(target)
    for statvfs_flag, mount_flag in _KEPT_FLAGS:
        if info.f_flag & statvfs_flag:
            kept |= mount_flag
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | kept
    if libc.mount(None, os.fsencode(target), None, flags, None) != 0:
        raise OSError(f"cannot make {target} read-only")


def inside_new_pid_namespace(config: dict[str, Any], applied: list[str]) -> None:
    """In the first process of a new process-id namespace: show only its own processes."""
    libc = _libc()
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY  # no kernel setting can be written
    if libc.mount(b"proc", b"/proc", b"proc", flags, None) == 0:
        applied.append("own process table")


def drop_privileges(config: dict[str, Any], applied: list[str]) -> None:
    """Give up every power the student's code must not have: root, capabilities, new privileges."""
    if not sys.platform.startswith("linux"):
        return
    libc = _libc()
    if os.geteuid() == 0 and config.get("uid") is not None:
        if not _unreadable_to_others(_python_paths()):
            _become(config["uid"])
            applied.append("own user id")
        else:
            # Python lives where other users cannot read it (under /root, say): keep user id 0,
            # but with no capabilities, now or after exec, so hidden files stay hidden
            _lock_out_root_powers(libc)
            applied.append("no root capabilities")
    elif "no network" in applied:
        _drop_capabilities(libc)  # a user namespace's powers could unmount what hides the files
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
        applied.append("no new privileges")


def _map_ids(uid: int, gid: int) -> None:
    """In a new user namespace, keep the same ids, so that files look the same."""
    for path, text in (
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/uid_map", f"{uid} {uid} 1"),
        ("/proc/self/gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(path, "w") as handle:
                handle.write(text)
        except OSError:
            pass


def _hide(libc: Any, paths: list[str]) -> bool:
    """Cover each folder with an empty, read-only mount."""
    hidden = True
    for path in paths:
        if not os.path.isdir(path):
            continue
        flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
        if libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", flags, b"size=4k,mode=000") != 0:
            hidden = False
    return hidden


def _read_only(libc: Any, keep: set[str]) -> bool:
    """Remount every file system read-only, keeping the flags each has (a user namespace may
    not clear them), except the mounts in `keep`."""
    try:
        with open("/proc/self/mountinfo") as handle:
            mounts = [line.split() for line in handle]
    except OSError:
        return False
    done = True
    for fields in mounts:
        point = fields[4].encode().decode("unicode_escape")
        if point in keep or any(point.startswith(k.rstrip("/") + "/") for k in keep):
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in fields[5].split(","):
            flags |= _MOUNT_FLAGS.get(option, 0)
        if libc.mount(None, os.fsencode(point), None, flags, None) != 0:
            done = False
    return done


def _drop_capabilities(libc: Any) -> None:
    """Clear every capability (those a new user namespace grants) for good."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    linux_capability_version_3 = 0x20080522
    header = Header(linux_capability_version_3, 0)
    data = (Data * 2)()
    libc.capset(ctypes.byref(header), data)


def _python_paths() -> list[str]:
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    return sorted(paths)


def _unreadable_to_others(paths: list[str]) -> list[str]:
    """The paths another user could not read: a folder on the way lacks others' permission."""
    import stat

    blocked = []
    for path in paths:
        current = os.path.realpath(path)
        needed = stat.S_IROTH | stat.S_IXOTH
        while True:
            try:
                mode = os.stat(current).st_mode
            except OSError:
                break
            if mode & needed != needed:
                blocked.append(path)
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current, needed = parent, stat.S_IXOTH
    return blocked


def _lock_out_root_powers(libc: Any) -> None:
    """Stay user id 0 but drop every capability for good, including what exec would restore."""
    pr_capbset_drop = 24
    pr_set_securebits = 28
    secbit_noroot, secbit_noroot_locked = 1 << 0, 1 << 1
    secbit_no_setuid_fixup, secbit_no_setuid_fixup_locked = 1 << 2, 1 << 3
    libc.prctl(pr_set_securebits, secbit_noroot | secbit_noroot_locked | secbit_no_setuid_fixup
               | secbit_no_setuid_fixup_locked, 0, 0, 0)
    for capability in range(64):
        libc.prctl(pr_capbset_drop, capability, 0, 0, 0)
    _drop_capabilities(libc)


def _become(uid: int) -> None:
    """Root only: give the working folder (the current one) to `uid`, then become it, with no
    groups."""
    os.chown(".", uid, uid)
    for name in os.listdir("."):
        if not os.path.isdir(name):  # the day's data stays the grader's, read-only
            os.chown(name, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
