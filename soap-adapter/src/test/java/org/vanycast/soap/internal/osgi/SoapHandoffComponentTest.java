package org.vanycast.soap.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vanycast.soap.api.HandoffSettings;

class SoapHandoffComponentTest {

    /** What DS would build from a configuration dictionary: given keys, else the annotation defaults. */
    private static SoapHandoffConfig config(Map<String, String> keys) {
        return new SoapHandoffConfig() {
            private String get(String key, String dflt) {
                return keys.getOrDefault(key, dflt);
            }

            @Override
            public String[] endpoints() {
                return new String[] {get("endpoints", "*")};
            }

            @Override
            public String[] ports() {
                String p = get("ports", "");
                return p.isBlank() ? new String[0] : new String[] {p};
            }

            @Override
            public boolean mid_response() {
                return Boolean.parseBoolean(get("mid.response", "true"));
            }

            @Override
            public long capture_timeout_ms() {
                return Long.parseLong(get("capture.timeout.ms", "2000"));
            }

            @Override
            public int max_request_body() {
                return Integer.parseInt(get("max.request.body", "65536"));
            }

            @Override
            public int max_response_head() {
                return Integer.parseInt(get("max.response.head", "16384"));
            }

            @Override
            public int continuation_chunk() {
                return Integer.parseInt(get("continuation.chunk", "16384"));
            }

            @Override
            public long forget_delay_ms() {
                return Long.parseLong(get("forget.delay.ms", "2500"));
            }

            @Override
            public boolean connector_enabled() {
                return false;
            }

            @Override
            public String connector_host() {
                return "::";
            }

            @Override
            public int connector_port() {
                return 8080;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SoapHandoffConfig.class;
            }
        };
    }

    @Test
    void shouldUseTheDocumentedDefaultsWithoutConfiguration() {
        assertEquals(HandoffSettings.defaults(), SoapHandoffComponent.settingsOf(config(Map.of())));
    }

    @Test
    void shouldApplyTheShippedConfigurationFile() throws Exception {
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(Path.of("etc", "org.vanycast.soap.cfg").toFile())) {
            p.load(in);
        }
        Map<String, String> keys = new java.util.HashMap<>();
        p.stringPropertyNames().forEach(k -> keys.put(k, p.getProperty(k)));
        HandoffSettings s = SoapHandoffComponent.settingsOf(config(keys));
        assertTrue(s.takesPart("/soap/docs"));
        assertTrue(s.takesPart("/files/a.bin"));
        assertFalse(s.takesPart("/admin"));
        assertEquals(Duration.ofSeconds(2), s.captureTimeout());
    }

    @Test
    void shouldRejectANegativeCaptureTimeoutNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoapHandoffComponent.settingsOf(config(Map.of("capture.timeout.ms", "-5"))));
        assertTrue(e.getMessage().contains("capture.timeout.ms"), e.getMessage());
    }

    @Test
    void shouldRejectBadLimitsAndPatternsWithAClearMessage() {
        for (Map<String, String> bad : List.of(Map.of("max.request.body", "-1"), Map.of("ports", "70000"), Map.of("ports", "80, http"),
                Map.of("endpoints", "/a*b"), Map.of("continuation.chunk", "0"), Map.of("max.response.head", "10"), Map.of("forget.delay.ms", "-1"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SoapHandoffComponent.settingsOf(config(bad)), bad.toString());
            assertTrue(e.getMessage().startsWith("bad configuration org.vanycast.soap"), e.getMessage());
        }
    }
}
