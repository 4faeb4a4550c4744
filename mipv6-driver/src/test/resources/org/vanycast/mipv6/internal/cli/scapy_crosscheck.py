"""Cross-check helper for ScapyCrossCheckTest (run with /usr/bin/python3, needs python3-scapy).

  build    print one JSON line per Mobility Header type built by scapy:
           {"case": ..., "hex": <IPv6 packet>, "fields": {RFC 6275 field names: values}}
  dissect  read hex IPv6 packets (one per line) on stdin, dissect each with scapy and print
           {"fields": {...}, "checksum_ok": bool}

Field names and value formats match the JSON of `vanycast mh decode` so the Java side can
compare them key by key. Padding options are left out (scapy pads differently).
"""
import json
import sys

from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HAO, MIP6MH_BRR, MIP6MH_HoTI,
                                MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_CoT, MIP6MH_BU, MIP6MH_BA, MIP6MH_BE,
                                MIP6OptBRAdvice, MIP6OptAltCoA, MIP6OptNonceIndices, MIP6OptBindingAuthData,
                                MIP6OptUnknown, MIP6MH_Generic, Pad1, PadN, in6_chksum)

CN, HOME, COA = "fd00::1", "fd00:1::10", "fd00:2::2"
MH_CLASSES = (MIP6MH_BRR, MIP6MH_HoTI, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_CoT, MIP6MH_BU, MIP6MH_BA, MIP6MH_BE,
              MIP6MH_Generic)


def hex64(b):
    return "0x" + bytes(b).hex()


def options(mh):
    out = []
    for o in mh.options:
        if isinstance(o, (Pad1, PadN)):
            continue
        d = {"Option Type": o.otype}
        if isinstance(o, MIP6OptBRAdvice):
            d["Refresh Interval"] = o.rinter
        elif isinstance(o, MIP6OptAltCoA):
            d["Alternate Care-of Address"] = o.acoa
        elif isinstance(o, MIP6OptNonceIndices):
            d["Home Nonce Index"] = o.hni
            d["Care-of Nonce Index"] = o.coni
        elif isinstance(o, MIP6OptBindingAuthData):
            d["Authenticator"] = o.authenticator.to_bytes(o.olen, "big").hex()
        else:
            d["Option Data"] = bytes(o.odata).hex()
        out.append(d)
    return out


def fields(mh):
    f = {"Payload Proto": mh.nh, "Header Len": mh.len, "MH Type": mh.mhtype, "Checksum": "0x%04x" % mh.cksum}
    t = mh.mhtype
    if t == 1:
        f["Home Init Cookie"] = hex64(mh.cookie)
    elif t == 2:
        f["Care-of Init Cookie"] = hex64(mh.cookie)
    elif t in (3, 4):
        p = "Home" if t == 3 else "Care-of"
        f[p + " Nonce Index"] = mh.index
        f[p + " Init Cookie"] = hex64(mh.cookie)
        f[p + " Keygen Token"] = hex64(mh.token)
    elif t == 5:
        f["Sequence #"] = mh.seq
        for flag in "AHLK":
            f[flag] = bool(getattr(mh.flags, flag))
        f["Lifetime"] = mh.mhtime
    elif t == 6:
        f["Status"] = mh.status
        f["K"] = bool(mh.flags.K)
        f["Sequence #"] = mh.seq
        f["Lifetime"] = mh.mhtime
    elif t == 7:
        f["Status"] = mh.status
        f["Home Address"] = mh.ha
    if t <= 7:
        f["Mobility Options"] = options(mh)
    return f


def mh_layer(pkt):
    for cls in MH_CLASSES:
        if pkt.haslayer(cls):
            return pkt[cls]
    raise ValueError("no Mobility Header")


def cases():
    cookie = bytes.fromhex("0102030405060708")
    token = bytes.fromhex("1112131415161718")
    rh2 = IPv6ExtHdrRouting(type=2, addresses=[HOME])
    hao = IPv6ExtHdrDestOpt(options=[HAO(hoa=HOME)])
    auth = int.from_bytes(bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaab"), "big")
    yield "BRR", IPv6(src=CN, dst=COA) / rh2 / MIP6MH_BRR()
    yield "HoTI", IPv6(src=HOME, dst=CN) / MIP6MH_HoTI(cookie=cookie)
    yield "CoTI", IPv6(src=COA, dst=CN) / MIP6MH_CoTI(cookie=cookie)
    yield "HoT", IPv6(src=CN, dst=HOME) / MIP6MH_HoT(index=0x1234, cookie=cookie, token=token)
    yield "CoT", IPv6(src=CN, dst=COA) / MIP6MH_CoT(index=0xfffe, cookie=cookie, token=token)
    yield "BU", IPv6(src=COA, dst=CN) / hao / MIP6MH_BU(seq=0x0102, flags="A", mhtime=105, options=[
        MIP6OptNonceIndices(olen=4, hni=1, coni=2), MIP6OptBindingAuthData(olen=12, authenticator=auth)])
    yield "BU-home", IPv6(src=COA, dst=CN) / hao / MIP6MH_BU(seq=0xffff, flags="AHK", mhtime=900, options=[
        MIP6OptAltCoA(acoa="fd00:3::3"), MIP6OptUnknown(otype=0x20, odata=b"\xab\xcd")])
    yield "BA", IPv6(src=CN, dst=COA) / rh2 / MIP6MH_BA(status=135, flags="K", seq=7, mhtime=105, options=[
        MIP6OptBRAdvice(rinter=5)])
    yield "BE", IPv6(src=CN, dst=COA) / MIP6MH_BE(status=1, ha=HOME)


def main():
    if sys.argv[1] == "build":
        for name, pkt in cases():
            raw = bytes(pkt)
            print(json.dumps({"case": name, "hex": raw.hex(), "fields": fields(mh_layer(IPv6(raw)))}))
    else:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            raw = bytes.fromhex(line)
            mh = mh_layer(IPv6(raw))
            # The Mobility Header ends the packet; recompute its checksum with scapy's own
            # pseudo-header logic (home address from HAO, final destination from RH2).
            # scapy's in6_pseudoheader only sees a HAO that is the sole option of its Destination
            # Options header (scapy pads at build time); drop the dissected padding for it.
            under = mh.underlayer
            while under is not None:
                if isinstance(under, IPv6ExtHdrDestOpt):
                    under.options = [o for o in under.options if not isinstance(o, (Pad1, PadN))]
                under = under.underlayer
            mh_raw = raw[len(raw) - (mh.len + 1) * 8:]
            zeroed = mh_raw[:4] + b"\0\0" + mh_raw[6:]
            recomputed = in6_chksum(135, mh, zeroed)
            print(json.dumps({"fields": fields(mh), "checksum_ok": mh.cksum == recomputed}))


if __name__ == "__main__":
    main()
