package sockwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import sockwatch.cli.EventFilter;
import sockwatch.cli.EventPrinter;
import sockwatch.decode.OptionTable;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;
import sockwatch.output.EventView;
import sockwatch.output.JsonFormatter;
import sockwatch.output.TextFormatter;
import sockwatch.probe.bpftrace.BpftraceLineParser;
import sockwatch.sys.IdentityCache;
import sockwatch.sys.ProcessIdentity;

/**
 * sockwatch's Java event pipeline alone, on lines bpftrace printed in a real run (the parser test's fixture,
 * src/test/resources/fixtures/bpftrace-hostile-comm.txt: 16 calls with a hostile process name, every value type,
 * IPv4/IPv6/unix sockets). One operation = one event. Each stage includes the ones before it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {
    static final int EVENTS = 16;

    private String[] lines;
    private final BpftraceLineParser parser = new BpftraceLineParser(1_000_000_000L);
    private final OptionTable table = OptionTable.standard();
    private final TextFormatter text = new TextFormatter(ZoneOffset.UTC);
    private final JsonFormatter json = new JsonFormatter();
    private EventPrinter printer;
    private EventPrinter jsonPrinter;

    @Setup
    public void setup() throws IOException {
        List<String> events = new ArrayList<>();
        try (InputStream in = PipelineBenchmark.class.getResourceAsStream("/fixtures/bpftrace-hostile-comm.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("SW2 ")) {
                    events.add(line);
                }
            }
        }
        if (events.size() != EVENTS) {
            throw new IllegalStateException("the fixture has " + events.size() + " events, not " + EVENTS);
        }
        lines = events.toArray(new String[0]);
        // Every line must parse to an event, or the stages would time the malformed-line path instead.
        for (String line : lines) {
            sink.last = null;
            parser.accept(line, sink);
            if (sink.last == null) {
                throw new IllegalStateException("the parser does not read this fixture line: " + line);
            }
        }
        // What `sockwatch` runs per event: filter, decode, summary, one text line to stdout (here a null stream,
        // like > /dev/null, through the same autoflushing UTF-8 PrintStream).
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        printer = new EventPrinter(EventFilter.any(), text, table, devNull, devNull, v -> {
        }, identities());
        // The same with --json.
        jsonPrinter = new EventPrinter(EventFilter.any(), new JsonFormatter(), table, devNull, devNull, v -> {
        }, identities());
    }

    /**
     * Who the fixture's process is, made up (it is long gone, and /proc would answer for whatever process has its
     * PID now): a python3 with a title and a session unit, read once as IdentityCache reads a real one, so that
     * the rows pay for the identity's lookup and text per event as a real run does.
     */
    private static IdentityCache identities() {
        return new IdentityCache(new IdentityCache.Source() {
            @Override
            public long startTime(int pid) {
                return 4242;
            }

            @Override
            public ProcessIdentity read(int pid, long startTime) {
                return new ProcessIdentity(pid, startTime, List.of("python3", "/tmp/hostile_comm.py", "--serve"),
                        false, "/user.slice/user-0.slice/session-1.scope", 4026531840L, null, "session-1.scope",
                        false, true);
            }
        }, System::nanoTime);
    }

    private static final class Sink implements EventSink {
        SetsockoptEvent last;

        @Override
        public void event(SetsockoptEvent event) {
            last = event;
        }

        @Override
        public void lost(long count) {
        }
    }

    private final Sink sink = new Sink();

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parse(Blackhole bh) {
        for (String line : lines) {
            parser.accept(line, sink);
            bh.consume(sink.last);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseDecode(Blackhole bh) {
        for (String line : lines) {
            parser.accept(line, sink);
            bh.consume(EventView.of(sink.last, table));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseDecodeText(Blackhole bh) {
        for (String line : lines) {
            parser.accept(line, sink);
            bh.consume(text.format(EventView.of(sink.last, table)));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseDecodeJson(Blackhole bh) {
        for (String line : lines) {
            parser.accept(line, sink);
            bh.consume(json.format(EventView.of(sink.last, table)));
        }
    }

    /**
     * The whole per-event path sockwatch runs: parser into EventPrinter (filter, decode, summary, text out),
     * the 16 lines arriving as one burst from the pipe (the real bursts under load are bigger).
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void sockwatchSink() {
        for (String line : lines) {
            parser.accept(line, printer);
        }
        printer.endOfBatch();
    }

    /** The same per-event path with --json: parser into EventPrinter (filter, decode, summary, JSON out). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void sockwatchSinkJson() {
        for (String line : lines) {
            parser.accept(line, jsonPrinter);
        }
        jsonPrinter.endOfBatch();
    }
}
