package org.vanycast.cli.internal;

import java.util.Map;

/** {@code ./vanycast commands}: prints every contributed command and the class serving it. */
public final class ListCommands {

    private ListCommands() {
    }

    public static int run(String[] args) throws Exception {
        if (args.length != 0) {
            System.err.println("usage: ./vanycast commands");
            return 2;
        }
        CommandRegistry registry = CommandRegistry.load(ListCommands.class.getClassLoader());
        System.out.println("built into ./vanycast: help, build, test, node");
        for (Map.Entry<String, String> e : registry.commands().entrySet()) {
            System.out.printf("%-24s %s%n", e.getKey().replace('.', ' '), e.getValue());
        }
        return 0;
    }
}
