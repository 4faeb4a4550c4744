package org.vanycast.core.internal.cli;

import java.io.PrintStream;

/** Lets tests in other packages run the command with captured output. */
public final class CaCommandAccess {
    private CaCommandAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CaCommand.run(args, out, err);
    }
}
