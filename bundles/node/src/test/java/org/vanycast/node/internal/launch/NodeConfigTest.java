package org.vanycast.node.internal.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeConfigTest {

    @TempDir
    Path home;

    @BeforeEach
    void layout() throws IOException {
        for (String folder : new String[] {"data", "deploy", "etc"}) {
            Files.createDirectories(home.resolve(folder));
        }
    }

    private String error(Map<String, String> values) {
        return assertThrows(ConfigException.class, () -> NodeConfig.from(home, values)).getMessage();
    }

    @Test
    void shouldDefaultToAllAddressesPort8080AndTheDistributionFolders() throws Exception {
        NodeConfig config = NodeConfig.from(home, Map.of());
        assertTrue(config.listensOnAllAddresses());
        assertEquals(8080, config.port());
        assertNull(config.logicalAddress());
        assertEquals(home.resolve("data").toAbsolutePath().normalize(), config.data());
    }

    @Test
    void shouldReadFileAndLetFlagsOverrideIt() throws Exception {
        Path file = home.resolve("node.properties");
        Files.writeString(file, "name = n7\naddress = fd00:1::2, fd00:2::2\nlogical.address = [fd00:ff::1]\nport = 9090\n");
        NodeConfig config = NodeConfig.load(home, file, Map.of("port", "9191"));
        assertEquals("n7", config.name());
        assertEquals(2, config.addresses().size());
        assertEquals(InetAddress.getByName("fd00:ff::1"), config.logicalAddress());
        assertEquals(9191, config.port());
    }

    @Test
    void shouldReportMissingConfigurationFile() {
        String message = assertThrows(ConfigException.class,
                () -> NodeConfig.load(home, home.resolve("nope.properties"), Map.of())).getMessage();
        assertTrue(message.startsWith("configuration file not found"), message);
    }

    @Test
    void shouldRejectUnknownKeyInFile() throws IOException {
        Path file = home.resolve("typo.properties");
        Files.writeString(file, "prot = 80\n");
        String message = assertThrows(ConfigException.class, () -> NodeConfig.load(home, file, Map.of())).getMessage();
        assertTrue(message.contains("unknown key 'prot'"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fd00::zz", "example.org", "localhost", "", "1.2.3", "fd00::1::2"})
    void shouldRejectAddressesThatAreNotIpLiterals(String address) {
        assertTrue(error(Map.of("address", address)).contains("not an IP address literal"));
    }

    @Test
    void shouldRejectLogicalAddressNextToWildcardListener() {
        assertTrue(error(Map.of("logical.address", "fd00:ff::1")).contains("needs the node's own addresses"));
    }

    @Test
    void shouldRejectMulticastOrWildcardLogicalAddress() {
        assertTrue(error(Map.of("address", "fd00::2", "logical.address", "ff02::1")).contains("unicast"));
        assertTrue(error(Map.of("address", "fd00::2", "logical.address", "::")).contains("unicast"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "http", "80x"})
    void shouldRejectPortsOutsideTheTcpRange(String port) {
        assertTrue(error(Map.of("port", port)).startsWith("invalid port"));
    }

    @Test
    void shouldRejectMissingDataFolderAndBadName() {
        assertTrue(error(Map.of("data", home.resolve("none").toString())).startsWith("data folder not found"));
        assertTrue(error(Map.of("name", "a b")).startsWith("invalid node name"));
    }
}
