package org.vanycast.node.internal.launch;

import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node's configuration: a properties file ({@code --config FILE}) overridden by command
 * line flags. Every value is checked here so that a bad one stops the node with one clear
 * line before anything starts.
 *
 * <pre>
 * name            = node1                 # [A-Za-z0-9._-]{1,64}
 * address         = fd00:1::2, fd00:2::2  # the node's own addresses; default :: (all)
 * logical.address = fd00:ff::1            # X, served with free-bind; optional
 * port            = 8080
 * data            = /srv/vanycast/data    # default &lt;home&gt;/data
 * deploy          = ...                   # hot-deploy folder, default &lt;home&gt;/deploy
 * etc             = ...                   # .cfg folder, default &lt;home&gt;/etc
 * work            = ...                   # framework cache, default &lt;home&gt;/work/&lt;name&gt; (created)
 * </pre>
 */
public record NodeConfig(String name, List<InetAddress> addresses, InetAddress logicalAddress, int port,
        Path data, Path deploy, Path etc, Path work) {

    static final Set<String> KEYS = Set.of("name", "address", "logical.address", "port", "data", "deploy", "etc",
            "work");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public boolean listensOnAllAddresses() {
        return addresses.size() == 1 && addresses.get(0).isAnyLocalAddress();
    }

    /** Reads {@code file} (may be null) and applies {@code overrides} (same keys) on top. */
    public static NodeConfig load(Path home, Path file, Map<String, String> overrides) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            values.putAll(readFile(file));
        }
        values.putAll(overrides);
        return from(home, values);
    }

    static Map<String, String> readFile(Path file) throws ConfigException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file not found: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown key '" + key + "' in " + file + " (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
            values.put(key, properties.getProperty(key).trim());
        }
        return values;
    }

    static NodeConfig from(Path home, Map<String, String> values) throws ConfigException {
        String name = values.getOrDefault("name", "node1");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("invalid node name '" + name + "': use 1-64 of A-Z a-z 0-9 . _ -");
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : values.getOrDefault("address", "::").split(",")) {
            addresses.add(address("address", a));
        }
        if (addresses.size() > 1 && addresses.stream().anyMatch(InetAddress::isAnyLocalAddress)) {
            throw new ConfigException("address: the wildcard (all addresses) cannot be combined with other addresses");
        }
        InetAddress logical = null;
        String logicalText = values.get("logical.address");
        if (logicalText != null && !logicalText.isBlank()) {
            logical = address("logical address", logicalText);
            if (logical.isAnyLocalAddress() || logical.isMulticastAddress()) {
                throw new ConfigException("logical address " + logicalText + " must be a unicast address");
            }
            if (addresses.get(0).isAnyLocalAddress()) {
                // Linux refuses [X]:port next to a wildcard listener on the same port.
                throw new ConfigException("a logical address needs the node's own addresses: give --address "
                        + "(the wildcard :: would already take port " + values.getOrDefault("port", "8080") + " on X)");
            }
            if (addresses.contains(logical)) {
                throw new ConfigException("logical address " + logicalText + " is also listed as an own address");
            }
        }
        int port = port(values.getOrDefault("port", "8080"));
        Path data = folder("data", values.get("data"), home.resolve("data"));
        Path deploy = folder("deploy", values.get("deploy"), home.resolve("deploy"));
        Path etc = folder("etc", values.get("etc"), home.resolve("etc"));
        Path work = workFolder(values.get("work"), home.resolve("work").resolve(name));
        return new NodeConfig(name, List.copyOf(addresses), logical, port, data, deploy, etc, work);
    }

    /** Parses an IP address literal; never a host name (no DNS lookups at start-up). */
    static InetAddress address(String what, String text) throws ConfigException {
        String literal = text.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.isEmpty() || !(literal.indexOf(':') >= 0 || IPV4.matcher(literal).matches())) {
            throw new ConfigException("invalid " + what + " '" + text.trim() + "': not an IP address literal");
        }
        try {
            InetAddress address = InetAddress.getByName(literal);
            if (address instanceof Inet4Address && literal.indexOf(':') >= 0) {
                throw new ConfigException("invalid " + what + " '" + text.trim() + "': use the plain IPv4 form");
            }
            return address;
        } catch (UnknownHostException e) {
            throw new ConfigException("invalid " + what + " '" + text.trim() + "': not an IP address literal");
        }
    }

    static int port(String text) throws ConfigException {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("invalid port '" + text.trim() + "': use 1-65535");
    }

    /** The node's scratch folder: unlike the others it is created when missing. */
    private static Path workFolder(String text, Path fallback) throws ConfigException {
        Path folder = (text == null || text.isBlank() ? fallback : Path.of(text.trim())).toAbsolutePath().normalize();
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new ConfigException("cannot create work folder " + folder + ": " + e.getMessage());
        }
    }

    private static Path folder(String what, String text, Path fallback) throws ConfigException {
        Path folder = (text == null || text.isBlank() ? fallback : Path.of(text.trim())).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(what + " folder not found: " + folder);
        }
        return folder;
    }
}
