package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ELF class of hostile files: read a few bytes, trust nothing, never block. */
class ExecutableAbiTest {
    @TempDir
    Path dir;

    /** An ELF header's first 20 bytes: class (1 = 32-bit, 2 = 64-bit), data (1 = little-endian), e_machine. */
    private static byte[] elf(int elfClass, int machine) {
        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = (byte) elfClass;
        h[5] = 1;
        h[18] = (byte) machine;
        return h;
    }

    private Path file(String name, byte[] content) throws Exception {
        Path p = Files.write(dir.resolve(name), content);
        p.toFile().setExecutable(true);
        return p;
    }

    @Test
    void onlyAnI386ElfIs32Bit() throws Exception {
        assertTrue(ExecutableAbi.is32BitCommand(file("i386", elf(1, 3)).toString()));
        assertFalse(ExecutableAbi.is32BitCommand(file("amd64", elf(2, 62)).toString()));
        assertFalse(ExecutableAbi.is32BitCommand(file("x32", elf(1, 62)).toString()), "x32 makes 64-bit syscalls");
        assertFalse(ExecutableAbi.is32BitCommand(file("short", new byte[] {0x7f, 'E', 'L', 'F', 1}).toString()));
        assertFalse(ExecutableAbi.is32BitCommand(file("empty", new byte[0]).toString()));
        assertFalse(ExecutableAbi.is32BitCommand(dir.resolve("missing").toString()));
        assertFalse(ExecutableAbi.is32BitCommand(dir.toString()), "a directory");
    }

    @Test
    void aScriptIsItsInterpreter() throws Exception {
        Path i386 = file("interp32", elf(1, 3));
        Path amd64 = file("interp64", elf(2, 62));
        assertTrue(ExecutableAbi.is32BitCommand(script("a", "#!" + i386 + " -x\n").toString()));
        assertFalse(ExecutableAbi.is32BitCommand(script("b", "#!" + amd64 + "\n").toString()));
        assertTrue(ExecutableAbi.is32BitCommand(script("c", "#! /usr/bin/env -S A=1 " + i386 + " arg\n").toString()));
        Path nested = script("d", "#!" + script("e", "#!" + i386 + "\n") + "\n");
        assertTrue(ExecutableAbi.is32BitCommand(nested.toString()), "an interpreter may be a script itself");
        Path loop = dir.resolve("loop");
        Files.writeString(loop, "#!" + loop + "\n");
        assertFalse(ExecutableAbi.is32BitCommand(loop.toString()), "a loop ends");
        assertEquals(Optional.empty(), ExecutableAbi.interpreter("#!\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ExecutableAbi.interpreter("#!relative\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aFifoIsNeverOpened() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        assertFalse(ExecutableAbi.is32BitCommand(fifo.toString()), "opening it would block");
    }

    @Test
    void processesAreReadThroughTheirExe() {
        assertFalse(ExecutableAbi.is32BitProcess(ProcessHandle.current().pid()), "this JVM is 64-bit");
        assertFalse(ExecutableAbi.is32BitProcess(2), "kthreadd has no exe");
        assertFalse(ExecutableAbi.is32BitProcess(1L << 30), "no such process");
    }

    private Path script(String name, String text) throws Exception {
        return file(name, text.getBytes(StandardCharsets.US_ASCII));
    }
}
