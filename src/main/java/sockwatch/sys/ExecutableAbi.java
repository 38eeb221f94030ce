package sockwatch.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a program is a 32-bit x86 (i386) one, from its ELF header: EI_CLASS (byte 4) = 1 (ELFCLASS32) and
 * e_machine = 3 (EM_386; an x32 program is ELFCLASS32 too, but EM_X86_64, and makes 64-bit-numbered syscalls).
 * The files are hostile: only the first bytes are read, never trusted beyond that, and any failure (gone,
 * unreadable, not ELF, a kernel thread without an exe) means "not 32-bit".
 */
public final class ExecutableAbi {
    /** What the kernel reads of a #! line (BINPRM_BUF_SIZE), and how deep it follows interpreters. */
    private static final int HEADER_BYTES = 256;
    private static final int INTERPRETER_DEPTH = 4;
    private static final int EM_386 = 3;

    private ExecutableAbi() {
    }

    /** A running process's program (/proc/PID/exe, the file it executes, whatever its name says). */
    public static boolean is32BitProcess(long pid) {
        return is32BitElf(header(Path.of("/proc", Long.toString(pid), "exe")));
    }

    /**
     * A program about to be launched: argv[0] through PATH, and a #! script's interpreter (through env too,
     * as `#!/usr/bin/env NAME` does), as execve would run it.
     */
    public static boolean is32BitCommand(String argv0) {
        Optional<Path> file = argv0.contains("/") ? Optional.of(Path.of(argv0)) : Executables.find(argv0);
        for (int depth = 0; file.isPresent() && depth <= INTERPRETER_DEPTH; depth++) {
            byte[] h = header(file.get());
            if (h.length < 2 || h[0] != '#' || h[1] != '!') {
                return is32BitElf(h);
            }
            file = interpreter(h);
        }
        return false;
    }

    /** The first bytes of a regular file, or none. */
    static byte[] header(Path file) {
        if (!Files.isRegularFile(file)) {   // never open a FIFO or a device: it could block or have effects
            return new byte[0];
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }

    static boolean is32BitElf(byte[] h) {
        return h.length >= 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == 1
                && h[5] == 1 && ((h[18] & 0xff) | (h[19] & 0xff) << 8) == EM_386;
    }

    /** The program a #! line names: its first word, or with env the first word after env's options. */
    static Optional<Path> interpreter(byte[] header) {
        int end = 2;
        while (end < header.length && header[end] != '\n') {
            end++;
        }
        String[] words = new String(header, 2, end - 2, StandardCharsets.ISO_8859_1).strip().split("[ \t]+");
        if (words.length == 0 || words[0].isEmpty() || !words[0].startsWith("/")) {
            return Optional.empty();
        }
        Path interp = Path.of(words[0]);
        if (!interp.getFileName().toString().equals("env")) {
            return Optional.of(interp);
        }
        for (int i = 1; i < words.length; i++) {
            if (!words[i].startsWith("-") && !words[i].contains("=")) {
                return words[i].contains("/") ? Optional.of(Path.of(words[i])) : Executables.find(words[i]);
            }
        }
        return Optional.empty();
    }
}
