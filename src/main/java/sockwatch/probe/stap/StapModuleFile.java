package sockwatch.probe.stap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a compiled module says about itself in its .modinfo strings: its name ("name=sockwatch") and the kernel
 * it was built for ("vermagic=6.1.0-56-amd64 SMP ..."). staprun takes a module's name from its file name, so a
 * renamed file must be loaded under its real name; and a module for another kernel must be refused with the
 * fix, not with insmod's "Invalid module format".
 */
public record StapModuleFile(String name, String kernelRelease) {

    public static StapModuleFile read(Path ko) throws IOException {
        String text = new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
        String vermagic = field(text, "vermagic=");
        return new StapModuleFile(field(text, "name="), vermagic == null ? null : vermagic.split(" ")[0]);
    }

    private static String field(String text, String key) {
        int at = text.indexOf("\0" + key);
        if (at < 0) {
            return null;
        }
        int start = at + 1 + key.length();
        int end = text.indexOf('\0', start);
        return end < 0 ? null : text.substring(start, end);
    }

    /** The module name stap -m would give a file: letters, digits and _ only (staprun requires it). */
    public static String moduleNameFor(Path file) {
        String base = file.getFileName().toString().replaceAll("\\.ko$", "").replaceAll("[^A-Za-z0-9_]", "_");
        base = base.length() > 40 ? base.substring(0, 40) : base;
        return base.isEmpty() || Character.isDigit(base.charAt(0)) ? "sw_" + base : base;
    }
}
