package org.vanycast.core.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke version of {@code vanycast bench channel}: a few rounds, checks the outputs exist. */
class ChannelBenchCommandTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return ChannelBenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTableAndWriteOneCsvRowPerRound() throws Exception {
        assertEquals(0, run("--sizes", "170,4096", "--rounds", "3", "--out", dir.toString()), err.toString());
        List<String> csv = Files.readAllLines(dir.resolve("channel.csv"));
        assertEquals(1 + 2 * 3, csv.size());
        assertEquals("state_bytes,round,round_trip_us", csv.get(0));
        assertTrue(out.toString().contains("median us"), out.toString());
    }

    @Test
    void shouldRejectBadArgumentsWithUsage() {
        assertEquals(2, run("--rounds", "zero"));
        assertEquals(2, run("--sizes"));
        assertEquals(2, run("--bogus", "1"));
        assertTrue(err.toString().contains("usage: vanycast bench channel"), err.toString());
    }
}
