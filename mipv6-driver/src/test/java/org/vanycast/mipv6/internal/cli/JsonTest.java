package org.vanycast.mipv6.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldParseWhatItWrites() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Sequence #", 7L);
        m.put("quote\"and\\slash\n", "tab\t\u0001");
        m.put("list", Arrays.asList(true, false, null, -3L, List.of()));
        m.put("nested", Map.of("a", "b"));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals("{\"a\":\"\\u0001\"}", Json.write(Map.of("a", "\u0001")));
    }

    @Test
    void shouldDecodeEscapesAndWhitespace() throws Exception {
        assertEquals(Map.of("k", "A/\"é"), Json.parse(" { \"k\" : \"\\u0041\\/\\\"é\" } "));
    }

    @Test
    void shouldReportWhereTheTextIsWrong() {
        assertEquals(5, assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":}")).offset, "at the brace");
        assertEquals(7, assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1,\"a\":2}")).offset, "at the repeated key");
        assertThrows(Json.ParseException.class, () -> Json.parse("[1,2"));
        assertThrows(Json.ParseException.class, () -> Json.parse("\"unterminated"));
        assertThrows(Json.ParseException.class, () -> Json.parse("1.5"));
        assertThrows(Json.ParseException.class, () -> Json.parse("99999999999999999999"));
        assertThrows(Json.ParseException.class, () -> Json.parse("[".repeat(40) + "]".repeat(40)));
        assertThrows(Json.ParseException.class, () -> Json.parse("{} x"));
    }
}
