package sockwatch.setup;

import java.util.ArrayList;
import java.util.List;

/**
 * What `sockwatch setup` installs: the tools of the best backends this kernel can run that are not installed yet.
 * bpftrace when the kernel has what sockwatch's probe needs (BTF, the setsockopt tracepoints); strace always
 * (the fallback for -p and a launched command, and it needs only ptrace). SystemTap is never installed: it needs
 * the kernel's own headers or debuginfo and builds modules, which is the admin's call; setup only says so.
 *
 * @param install the packages to install, each with why
 * @param notes   what setup leaves out, and why (one line each)
 */
public record SetupPlan(List<Need> install, List<String> notes) {

    /** One tool to install: its package, and what sockwatch does with it. */
    public record Need(String tool, String pkg, String why) {
    }

    /** The facts the plan depends on (read from the machine by SetupCommand). */
    public record Facts(boolean btf, Boolean setsockoptTracepoints, boolean bpftrace, boolean strace,
                        boolean stap, boolean modules) {
    }

    public static SetupPlan of(Facts f) {
        List<Need> need = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!f.btf()) {
            notes.add("not installing bpftrace: this kernel has no BTF (/sys/kernel/btf/vmlinux), which sockwatch's"
                    + " probe needs to read sockets; strace watches given processes instead");
        } else if (Boolean.FALSE.equals(f.setsockoptTracepoints())) {
            notes.add("not installing bpftrace: this kernel has no syscalls:sys_enter_setsockopt tracepoint"
                    + " (CONFIG_FTRACE_SYSCALLS); strace watches given processes instead");
        } else if (!f.bpftrace()) {
            need.add(new Need("bpftrace", "bpftrace", "the probe that watches the whole system"));
        }
        if (!f.strace()) {
            need.add(new Need("strace", "strace", "the fallback for -p and a launched command"));
        }
        if (!f.stap()) {
            notes.add(f.modules()
                    ? "SystemTap is not installed by setup (it builds kernel modules from this kernel's headers):"
                    + " to use --backend stap, install systemtap and this kernel's headers yourself"
                    : "SystemTap cannot run here (this kernel cannot load modules): not needed");
        }
        return new SetupPlan(List.copyOf(need), List.copyOf(notes));
    }

    public List<String> packages() {
        return install.stream().map(Need::pkg).toList();
    }
}
