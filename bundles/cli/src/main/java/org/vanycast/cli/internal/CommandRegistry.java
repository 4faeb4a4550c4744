package org.vanycast.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The commands contributed by every jar on a class path. Each jar may carry
 * {@value #RESOURCE} with lines {@code command=fully.qualified.Class}; a dotted key
 * {@code a.b} serves the two-word command {@code a b}. Resolution tries {@code a.b}
 * before {@code a}, so a two-word command and a one-word command can share a first word.
 */
public final class CommandRegistry {

    public static final String RESOURCE = "META-INF/vanycast/commands.properties";

    private final Map<String, String> commands;
    private final Map<String, String> origins;

    private CommandRegistry(Map<String, String> commands, Map<String, String> origins) {
        this.commands = Collections.unmodifiableMap(commands);
        this.origins = Collections.unmodifiableMap(origins);
    }

    /** A command found for a command line: the class to call and the arguments it gets. */
    public record Resolved(String command, String className, String[] arguments) {
    }

    public static CommandRegistry load(ClassLoader loader) throws IOException, DuplicateCommandException {
        Map<String, String> commands = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        Enumeration<URL> resources = loader.getResources(RESOURCE);
        while (resources.hasMoreElements()) {
            URL url = resources.nextElement();
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            for (String key : properties.stringPropertyNames()) {
                String className = properties.getProperty(key).trim();
                String previous = commands.putIfAbsent(key.trim(), className);
                if (previous != null && !previous.equals(className)) {
                    throw new DuplicateCommandException("command '" + key + "' is defined twice: " + previous
                            + " (" + origins.get(key) + ") and " + className + " (" + url + ")");
                }
                origins.putIfAbsent(key.trim(), url.toString());
            }
        }
        return new CommandRegistry(commands, origins);
    }

    public Map<String, String> commands() {
        return commands;
    }

    public Resolved resolve(String[] args) {
        if (args.length >= 2) {
            String twoWords = args[0] + "." + args[1];
            String className = commands.get(twoWords);
            if (className != null) {
                return new Resolved(args[0] + " " + args[1], className, Arrays.copyOfRange(args, 2, args.length));
            }
        }
        String className = commands.get(args[0]);
        if (className == null) {
            return null;
        }
        return new Resolved(args[0], className, Arrays.copyOfRange(args, 1, args.length));
    }

    public String usage() {
        StringBuilder sb = new StringBuilder("usage: ./vanycast <command> [args...]\ncommands: help, build, test, node");
        for (String key : commands.keySet()) {
            sb.append(", ").append(key.replace('.', ' '));
        }
        return sb.toString();
    }
}
