"""profile.proto's wire format, for the tests that write profiles by hand."""


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def fv(num, v):
    """A varint field."""
    return varint(num << 3) + varint(v)


def fb(num, body):
    """A length-delimited field."""
    return varint(num << 3 | 2) + varint(len(body)) + body


def packed(num, vals):
    return fb(num, b"".join(varint(v) for v in vals))
