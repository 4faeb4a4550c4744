package org.vanycast.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import org.vanycast.cli.internal.CommandRegistry;
import org.vanycast.cli.internal.CommandRegistry.Resolved;
import org.vanycast.cli.internal.DuplicateCommandException;

/**
 * Entry point of {@code ./vanycast <command> args...} for every command that is not built
 * into the shell launcher. Commands are contributed by module jars through
 * {@code META-INF/vanycast/commands.properties}; see {@link CommandRegistry}.
 *
 * <p>Exit status: 0 ok, 1 failure, 2 usage or bad input (the command's own convention).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, Main.class.getClassLoader(), System.err));
    }

    /** Dispatches {@code args} and returns the exit status instead of exiting. */
    public static int run(String[] args, ClassLoader loader, PrintStream err) {
        CommandRegistry registry;
        try {
            registry = CommandRegistry.load(loader);
        } catch (DuplicateCommandException | IOException e) {
            err.println("vanycast: " + e.getMessage());
            return 1;
        }
        if (args.length == 0) {
            err.println("vanycast: missing command");
            err.println(registry.usage());
            return 2;
        }
        Resolved resolved = registry.resolve(args);
        if (resolved == null) {
            err.println("vanycast: unknown command: " + args[0]);
            err.println(registry.usage());
            return 2;
        }
        return invoke(resolved, loader, err);
    }

    private static int invoke(Resolved resolved, ClassLoader loader, PrintStream err) {
        Method run;
        try {
            Class<?> type = Class.forName(resolved.className(), true, loader);
            run = type.getMethod("run", String[].class);
            if (!Modifier.isStatic(run.getModifiers()) || run.getReturnType() != int.class) {
                err.println("vanycast: " + resolved.className() + ".run(String[]) must be static and return int");
                return 1;
            }
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            err.println("vanycast: command '" + resolved.command() + "' names a class that cannot be loaded: "
                    + resolved.className() + " (" + e + ")");
            return 1;
        }
        try {
            return (int) run.invoke(null, (Object) Arrays.copyOf(resolved.arguments(), resolved.arguments().length));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            // One line for the user; the stack trace only when asked for.
            err.println("vanycast " + resolved.command() + ": " + cause);
            if (Boolean.getBoolean("vanycast.debug") || System.getenv("VANYCAST_DEBUG") != null) {
                cause.printStackTrace(err);
            }
            return 1;
        } catch (IllegalAccessException e) {
            err.println("vanycast: cannot call " + resolved.className() + ".run: " + e.getMessage());
            return 1;
        }
    }
}
