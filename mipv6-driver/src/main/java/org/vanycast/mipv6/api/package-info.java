/**
 * Mobile IPv6 (RFC 6275) protocol engine, as plain Java without I/O.
 *
 * <ul>
 *   <li>Codec: {@link org.vanycast.mipv6.api.MobilityHeaderCodec} (Mobility Header, protocol 135),
 *       {@link org.vanycast.mipv6.api.Ipv6PacketCodec} (IPv6 header, Home Address destination
 *       option, type 2 routing header), {@link org.vanycast.mipv6.api.MobilityChecksum}.
 *       Malformed input raises only {@link org.vanycast.mipv6.api.MalformedMobilityHeaderException}.</li>
 *   <li>Return routability cryptography (RFC 6275 §5.2): {@link org.vanycast.mipv6.api.ReturnRoutabilityKeys},
 *       {@link org.vanycast.mipv6.api.NonceTable}.</li>
 *   <li>Role state machines driven by incoming packets and a caller-supplied clock
 *       ({@code nowNanos}): {@link org.vanycast.mipv6.api.MobileNodeSession},
 *       {@link org.vanycast.mipv6.api.CorrespondentNode}, {@link org.vanycast.mipv6.api.HomeAgent} (with
 *       {@link org.vanycast.mipv6.api.SecurityAssociation}, ESP per RFC 4877) and
 *       {@link org.vanycast.mipv6.api.HomeRegistrationSession}.
 *       They return {@link org.vanycast.mipv6.api.MobilityAction}s for the caller to carry out.</li>
 * </ul>
 */
@Export
@Version("0.1.0")
package org.vanycast.mipv6.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
