package org.vanycast.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * A stock Karaf 4.4: our feature repository added and its features installed at run time
 * (what {@code feature:repo-add} and {@code feature:install} do), on top of the CXF 3.6
 * features; the sample service then answers SOAP through Karaf's HTTP service (pax-web).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeaturesIT {

    private static final long TIMEOUT_MILLIS = 120_000;

    @Inject
    private FeaturesService featuresService;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        String karafVersion = System.getProperty("karaf.version");
        String localRepository = System.getProperty("maven.repo.local");
        int port = Http.freePort();
        Path data = Files.createTempDirectory("vanycast-karaf-data");
        Files.writeString(data.resolve("hello.txt"), "Hello from a Vanycast node.\n");
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven().groupId("org.apache.karaf").artifactId("apache-karaf").type("tar.gz").version(karafVersion))
                    .unpackDirectory(new File("target/karaf")).useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            // Central only, and the build's local repository (our snapshots are installed there).
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", "https://repo1.maven.org/maven2@id=central"),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", localRepository),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.useFallbackRepositories", "false"),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(port)),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(Http.freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(Http.freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(Http.freePort())),
            editConfigurationFilePut("etc/org.vanycast.sample.cfg", "dataDir", data.toString()),
            features(maven().groupId("org.apache.karaf.features").artifactId("standard").type("xml").classifier("features")
                    .version(karafVersion), "scr"),
            systemProperty("vanycast.itest.port").value(Integer.toString(port)),
            systemProperty("vanycast.itest.features").value("mvn:org.vanycast/vanycast-features/"
                    + System.getProperty("project.version") + "/xml/features"),
        };
    }

    @Test
    public void shouldInstallVanycastFeaturesAndAnswerSoapCall() throws Exception {
        featuresService.addRepository(URI.create(System.getProperty("vanycast.itest.features")));
        // One provisioning request for all three: installing them one by one can refresh a
        // bundle the features service itself is wired to, which ends that service instance
        // (its executor rejects the next request) — seen under load.
        featuresService.installFeatures(Set.of("vanycast-sample", "vanycast-core", "vanycast-soap"),
                EnumSet.noneOf(FeaturesService.Option.class));
        assertEquals(List.of(), notActive("org.vanycast.sample", "org.vanycast.core", "org.vanycast.soap"));

        String url = "http://localhost:" + System.getProperty("vanycast.itest.port") + "/soap/content";
        Http.Response r = Http.postUntilOk(url, Http.envelope("listDocuments", ""), TIMEOUT_MILLIS);
        assertEquals("hello.txt", Http.value(r.body, "name"));
        Http.Response download = Http.get("http://localhost:" + System.getProperty("vanycast.itest.port") + "/content/hello.txt");
        assertEquals(200, download.status);
        assertEquals("Hello from a Vanycast node.\n", download.body);
    }

    private List<String> notActive(String... symbolicNames) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        List<String> missing;
        do {
            missing = new ArrayList<>(List.of(symbolicNames));
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getState() == Bundle.ACTIVE) {
                    missing.remove(bundle.getSymbolicName());
                }
            }
            if (missing.isEmpty()) {
                return missing;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        } while (System.nanoTime() < deadline);
        assertTrue("bundles not active: " + missing, missing.isEmpty());
        return missing;
    }
}
