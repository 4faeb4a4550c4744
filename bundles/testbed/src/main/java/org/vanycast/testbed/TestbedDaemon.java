package org.vanycast.testbed;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background process {@code testbed up} leaves running: WAN emulator, echo responders
 * and agents of one testbed, all as threads inside their namespaces. It talks to later
 * commands through files in the state directory: {@code ready}, {@code agents.properties},
 * and {@code config.next.properties} (a reconfiguration request it applies and removes).
 */
public final class TestbedDaemon {
    private static final Logger LOG = LoggerFactory.getLogger(TestbedDaemon.class);

    private TestbedDaemon() {
    }

    static Path dir(String id) {
        return Testbed.STATE_ROOT.resolve(id);
    }

    /** Whether testbed {@code id} has a live daemon (or an owning JVM). */
    static boolean isRunning(String id) {
        try {
            long pid = Long.parseLong(Files.readString(dir(id).resolve("daemon.pid")).strip());
            return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Builds the network here, then forks the daemon and waits until it is ready. */
    static void launch(TestbedConfig c) throws Exception {
        Testbed.destroy(c.id());
        Testbed.writeState(c, -1);
        try {
            TestbedNetwork.build(c);
            List<String> cmd = new ArrayList<>();
            cmd.add("setsid");
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("--add-opens");
            cmd.add("java.base/sun.nio.ch=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(TestbedDaemon.class.getName());
            cmd.add(c.id());
            Path log = dir(c.id()).resolve("daemon.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Path ready = dir(c.id()).resolve("ready");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready)) {
                if (!p.isAlive() && !Files.exists(ready)) {
                    throw new IOException("testbed daemon exited " + p.exitValue() + ": " + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("testbed daemon not ready after 60 s: " + tail(log));
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            Testbed.destroy(c.id());
            throw e;
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static Map<String, Object> status(String id, boolean measure) throws Exception {
        TestbedConfig c = Testbed.readState(id);
        Map<String, List<String>> agents = new java.util.LinkedHashMap<>();
        Path f = dir(id).resolve("agents.properties");
        if (Files.exists(f)) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            for (String host : p.stringPropertyNames()) {
                agents.put(host, List.of(p.getProperty(host).split(",")));
            }
        }
        Map<String, Object> s = Status.describe(c, agents);
        Path wanFile = dir(id).resolve("wan.properties");
        if (Files.exists(wanFile)) {
            Properties wp = new Properties();
            try (var r = Files.newBufferedReader(wanFile)) {
                wp.load(r);
            }
            Map<String, Object> wan = new java.util.TreeMap<>();
            for (String k : wp.stringPropertyNames()) {
                String v = wp.getProperty(k);
                Object val = v;
                try {
                    val = v.contains(".") ? (Object) Double.valueOf(v) : (Object) Long.valueOf(v);
                } catch (NumberFormatException e) {
                    val = v.equals("true") || v.equals("false") ? (Object) Boolean.valueOf(v) : v;
                }
                wan.put(k, val);
            }
            s.put("wanEmulator", wan);
        }
        Path pid = dir(id).resolve("daemon.pid");
        s.put("daemonPid", Files.exists(pid) ? Long.parseLong(Files.readString(pid).strip()) : -1);
        if (measure) {
            String contact = null;
            for (Map.Entry<String, List<String>> e : agents.entrySet()) {
                if (e.getValue().contains("mn-datapath") && contact == null) {
                    contact = e.getKey();
                }
            }
            s.put("accuracy", Status.measure(c, contact));
        }
        return s;
    }

    static void requestReconfigure(TestbedConfig next) throws Exception {
        Path req = dir(next.id()).resolve("config.next.properties");
        Path tmp = dir(next.id()).resolve("config.next.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            next.toProperties().store(w, "reconfiguration request");
        }
        Files.move(tmp, req, StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.exists(req)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("testbed daemon did not apply the change within 20 s");
            }
            Thread.sleep(50);
        }
    }

    public static void main(String[] args) throws Exception {
        String id = args[0];
        TestbedConfig c = Testbed.readState(id);
        Testbed tb = Testbed.attach(c);
        if (c.agents()) {
            Agents agents = Agents.start(tb);
            agents.writeSecret(dir(id).resolve("home.secret"));
            agents.contact(c.nodeNames().get(0));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(tb::close));
        Testbed.writeState(c, ProcessHandle.current().pid());
        Properties ap = new Properties();
        tb.agents().forEach((host, names) -> ap.setProperty(host, String.join(",", names)));
        try (Writer w = Files.newBufferedWriter(dir(id).resolve("agents.properties"))) {
            ap.store(w, "agents");
        }
        Files.writeString(dir(id).resolve("ready"), "ready\n");
        Path req = dir(id).resolve("config.next.properties");
        long nextStats = 0;
        while (true) {
            if (System.nanoTime() > nextStats) {
                // Emulator counters for `testbed status` (a separate process).
                nextStats = System.nanoTime() + 1_000_000_000L;
                Properties wp = new Properties();
                Object wan = tb.status(false).get("wanEmulator");
                if (wan instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> wp.setProperty(String.valueOf(k), String.valueOf(v)));
                }
                Path tmp = dir(id).resolve("wan.tmp");
                try (Writer w = Files.newBufferedWriter(tmp)) {
                    wp.store(w, "WAN emulator");
                }
                Files.move(tmp, dir(id).resolve("wan.properties"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            if (Files.exists(req)) {
                try {
                    TestbedConfig next = TestbedConfig.load(req, id);
                    tb.reconfigure(next);
                    LOG.info("testbed {} reconfigured: {} {}", id, next.latencyMs(), next.bandwidthKbit());
                } catch (Exception e) {
                    LOG.warn("reconfiguration rejected: {}", e.toString());
                }
                Files.deleteIfExists(req);
            }
            Thread.sleep(100);
        }
    }
}
