package org.vanycast.node.internal.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SOAP 1.1 envelopes for the sample content service, written by hand (what a foreign client
 * would put on the wire), and the few answers the demo reads back.
 */
public final class Soap {

    public static final String NAMESPACE = "urn:vanycast:sample:content";

    private Soap() {
    }

    /** An envelope calling {@code operation} with child elements {@code name=value, ...}. */
    public static String envelope(String operation, String... namesAndValues) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            body.append('<').append(namesAndValues[i]).append('>').append(escape(namesAndValues[i + 1]))
                    .append("</").append(namesAndValues[i]).append('>');
        }
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<c:" + operation + " xmlns:c=\"" + NAMESPACE + "\">" + body + "</c:" + operation + ">"
                + "</soap:Body></soap:Envelope>";
    }

    /** Text of every element with this local name, in document order. */
    public static List<String> values(String xml, String localName) {
        Matcher m = Pattern.compile("<(?:[\\w.-]+:)?" + Pattern.quote(localName) + ">([^<]*)</(?:[\\w.-]+:)?"
                + Pattern.quote(localName) + ">").matcher(xml);
        List<String> values = new ArrayList<>();
        while (m.find()) {
            values.add(unescape(m.group(1)));
        }
        return values;
    }

    public static String value(String xml, String localName) {
        List<String> values = values(xml, localName);
        return values.isEmpty() ? null : values.get(0);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
