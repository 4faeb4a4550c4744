package org.vanycast.node.internal.launch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.node.api.ConnectionAdopter;
import org.vanycast.node.api.NodeProperties;
import org.vanycast.node.internal.util.Addresses;

/**
 * Boots the OSGi framework of one node: installs {@code <home>/bundle/<start level>/*.jar},
 * starts them level by level, waits until the HTTP listeners report, and logs where the node
 * listens. Hot-deploy ({@code deploy/}) and {@code .cfg} files ({@code etc/}) are FileInstall's.
 */
final class NodeFramework {

    private static final Logger LOG = LoggerFactory.getLogger("org.vanycast.node");
    private static final int HIGHEST_START_LEVEL = 5;
    private static final long LISTENER_TIMEOUT_MILLIS = 60_000;

    static final String SYSTEM_PACKAGES_EXTRA = "javax.xml.stream;version=\"1.0.1\","
            + "javax.xml.stream.events;version=\"1.0.1\",javax.xml.stream.util;version=\"1.0.1\","
            + "sun.nio.ch,sun.misc";

    private static final String REFERENCE = "reference:";

    private final Path home;
    private final NodeConfig config;

    NodeFramework(Path home, NodeConfig config) {
        this.home = home;
        this.config = config;
    }

    int runUntilStopped() {
        long startNanos = System.nanoTime();
        Framework framework;
        try {
            framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                    .newFramework(frameworkProperties());
            framework.init();
            installBundles(framework.getBundleContext());
        } catch (BundleException | IOException | RuntimeException e) {
            LOG.error("cannot start node {}: {}", config.name(), e.toString());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "vanycast-node-stop"));
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            framework.getBundleContext().addFrameworkListener(event -> {
                if (event.getType() == FrameworkEvent.STARTED) {
                    started.countDown();
                }
            });
            framework.start();
            started.await(LISTENER_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            String problem = awaitListeners(framework.getBundleContext());
            if (problem != null) {
                LOG.error("{}", problem);
                stop(framework);
                return 1;
            }
            raiseStartLevel(framework);
            reportInactiveBundles(framework.getBundleContext());
            LOG.info("node {} started in {} ms", config.name(), (System.nanoTime() - startNanos) / 1_000_000);
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
        } catch (BundleException | InterruptedException e) {
            LOG.error("node {} failed: {}", config.name(), e.toString());
            stop(framework);
            return 1;
        }
    }

    private static void raiseStartLevel(Framework framework) throws InterruptedException {
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        framework.adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).setStartLevel(HIGHEST_START_LEVEL,
                event -> changed.countDown());
        changed.await(LISTENER_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private Map<String, String> frameworkProperties() {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, config.work().resolve("cache").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // Up to the Vanycast bundles first; FileInstall (deploy/, etc/) only once the listeners are up.
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(HIGHEST_START_LEVEL - 1));
        // Bundles see the JDK and what they import, never the launcher's class path.
        p.put("felix.bootdelegation.implicit", "false");
        // Versioned StAX for the JAXB/JAX-WS spec bundles; sun.nio.ch for adopting migrated
        // sockets (tcp-handoff); sun.misc for Jetty.
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SYSTEM_PACKAGES_EXTRA);
        p.put("felix.log.level", "1");
        // The anycast node component's activation waits for its JGroups join (failure.timeout.ms,
        // 5 s in the demo). A component binding the AnycastNode service meanwhile waits for that
        // activation only SCR's lock timeout (default 5000 ms), then gives up the bind for good:
        // the demo's wiring then never saw its coordinator ("not joined its group yet").
        p.put("ds.lock.timeout.milliseconds", "60000");
        p.put("felix.startlevel.bundle", Integer.toString(HIGHEST_START_LEVEL));

        p.put(NodeProperties.NAME, config.name());
        p.put(NodeProperties.ADDRESSES, config.addresses().stream().map(Addresses::format)
                .collect(Collectors.joining(",")));
        if (config.logicalAddress() != null) {
            p.put(NodeProperties.LOGICAL_ADDRESS, Addresses.format(config.logicalAddress()));
        }
        p.put(NodeProperties.PORT, Integer.toString(config.port()));
        p.put(NodeProperties.DATA, config.data().toString());
        p.put(NodeProperties.DEPLOY, config.deploy().toString());

        // The OSGi HTTP service's own connector: the node's first address.
        p.put("org.osgi.service.http.port", Integer.toString(config.port()));
        if (!config.listensOnAllAddresses()) {
            p.put("org.apache.felix.http.host", Addresses.format(config.addresses().get(0)));
        }
        p.put("org.apache.felix.http.name", config.name());

        // FileInstall: etc/ for .cfg files here; deploy/ through etc/org.apache.felix.fileinstall-deploy.cfg.
        p.put("felix.fileinstall.dir", config.etc().toString());
        p.put("felix.fileinstall.filter", ".*\\.cfg");
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.log.level", "2");
        p.put("felix.fileinstall.bundles.new.start", "true");
        // FileInstall must not rewrite the (shared) etc/ files with resolved values.
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.start.level", Integer.toString(HIGHEST_START_LEVEL));
        return p;
    }

    private void installBundles(BundleContext context) throws IOException, BundleException {
        Path bundles = home.resolve("bundle");
        if (!Files.isDirectory(bundles)) {
            throw new IOException("bundle folder not found: " + bundles + " (build with ./vanycast build)");
        }
        for (int level = 1; level <= HIGHEST_START_LEVEL; level++) {
            for (Path jar : jars(bundles.resolve(Integer.toString(level)))) {
                // reference: Felix runs the jar in place instead of copying it into the cache.
                Bundle bundle = context.installBundle(REFERENCE + jar.toUri());
                bundle.adapt(BundleStartLevel.class).setStartLevel(level);
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start(); // eager: a node serves right away, lazy bundles would stay STARTING
                }
            }
        }
    }

    private static List<Path> jars(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Waits for the node bundle's listener report; returns a one-line problem or null. */
    private String awaitListeners(BundleContext context) throws InterruptedException {
        long deadline = System.nanoTime() + LISTENER_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            // getAll...: the launcher's own copy of the API class is not the bundle's, so the
            // assignability filter of getServiceReference would hide the service.
            ServiceReference<?>[] references = getAllReferences(context);
            if (references != null && references.length > 0) {
                ServiceReference<?> reference = references[0];
                Object errors = reference.getProperty(ConnectionAdopter.ERRORS_PROPERTY);
                if (errors instanceof String[] messages && messages.length > 0) {
                    return String.join("; ", messages);
                }
                Object listen = reference.getProperty(ConnectionAdopter.LISTEN_PROPERTY);
                LOG.info("node {} listening on {}{}; SOAP at /soap/content, downloads at /content/<name>, data {}",
                        config.name(), listen instanceof String[] a ? Arrays.toString(a) : config.port(),
                        config.logicalAddress() == null ? "" : " (logical address " + format(
                                new InetSocketAddress(config.logicalAddress(), config.port())) + ")",
                        config.data());
                return null;
            }
            Thread.sleep(50); // the launcher polls the service registry, no test timing here
        }
        return "node " + config.name() + ": HTTP listeners not reported within " + LISTENER_TIMEOUT_MILLIS / 1000
                + " s; inactive bundles: " + inactiveBundles(context);
    }

    private static ServiceReference<?>[] getAllReferences(BundleContext context) {
        try {
            return context.getAllServiceReferences(ConnectionAdopter.class.getName(), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter given
        }
    }

    private void reportInactiveBundles(BundleContext context) {
        List<String> inactive = inactiveBundles(context);
        // deploy/ bundles arrive through FileInstall a moment later; only the platform counts here.
        if (!inactive.isEmpty()) {
            LOG.warn("bundles not active: {}", inactive);
        }
    }

    private List<String> inactiveBundles(BundleContext context) {
        List<String> inactive = new ArrayList<>();
        String platform = REFERENCE + home.resolve("bundle").toUri();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0 && !bundle.getLocation().startsWith(platform)) {
                continue;
            }
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (bundle.getState() != Bundle.ACTIVE && !(fragment && bundle.getState() == Bundle.RESOLVED)) {
                inactive.add(bundle.getSymbolicName() + " " + bundle.getVersion());
            }
        }
        return inactive;
    }

    private void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
                framework.waitForStop(15_000);
            }
        } catch (BundleException | InterruptedException e) {
            LOG.warn("stopping node {}: {}", config.name(), e.toString());
        }
    }

    static String format(InetSocketAddress address) {
        return Addresses.format(address);
    }
}
