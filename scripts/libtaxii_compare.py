#!/usr/bin/env python3
"""Compare how libtaxii reads an original TAXII message and our re-written copy.

Run by scripts/interop-libtaxii.sh inside its libtaxii venv (libtaxii 1.1.119,
python-dateutil 2.9.0.post0).  Two sub-commands:

  libtaxii_compare.py list MANIFEST
      Prints one line per corpus file that the manifest marks valid
      (expect accept / lenient / accept_inert):  NAME<TAB>VERSION<TAB>EXPECT

  libtaxii_compare.py compare PAIRS_TSV COUNTS_OUT
      PAIRS_TSV holds lines  NAME<TAB>VERSION<TAB>ORIGINAL<TAB>OURS.  For each
      pair both files are parsed with libtaxii (messages_10 or messages_11 by
      VERSION) and the two to_dict() results are compared deeply.  A line is
      printed for each pair that differs, naming the first difference; the
      counts "PASSED FAILED" are written to COUNTS_OUT.  Exit status 0 when
      every pair compared equal, 1 otherwise, 2 on usage errors.

Normalisations are applied only where libtaxii itself is lossy or buggy; each
one names its quirk number from shared/docs/taxii-corpus.md ("libtaxii
deviations and quirks").  Everything else is compared exactly as libtaxii
reports it.
"""

import datetime
import json
import re
import sys

from lxml import etree

import libtaxii.messages_10 as tm10
import libtaxii.messages_11 as tm11
import libtaxii.taxii_default_query as tdq  # registers the Default Query parser
from libtaxii.common import TAXIIBase

VALID_EXPECTS = ("accept", "lenient", "accept_inert")

NS_TAXII_10 = "http://taxii.mitre.org/messages/taxii_xml_binding-1"
NS_TAXII_11 = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1"
NS_TDQ = "http://taxii.mitre.org/query/taxii_default_query-1"

# Attributes typed xs:boolean in the TAXII 1.0/1.1 binding XSDs and the
# Default Query XSD (attributes without a namespace, on elements in these
# namespaces).
BOOLEAN_ATTRIBUTES = {"more", "partial_count", "allow_asynch", "available", "negate"}
TAXII_NAMESPACES = {NS_TAXII_10, NS_TAXII_11, NS_TDQ}

# A leading "prefix:" in an attribute value: a QName such as xsi:type="stix:X".
QNAME_PREFIX = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.-]*):[A-Za-z_]")


# ----------------------------------------------------------------- inputs
def normalise_booleans(data):
    """Rewrite xs:boolean attribute values to the forms libtaxii understands.

    Quirk 4: libtaxii treats only the exact string "true" as true, so the valid
    xs:boolean forms "1", "0" and whitespace-padded "true" are misread.  The
    same rewrite is applied to both sides, so a writer that keeps "1" and one
    that writes "true" both compare equal to the original's meaning.  The
    bytes are returned untouched when no such attribute needs rewriting.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, strip_cdata=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return data  # leave the error to libtaxii itself
    changed = False
    for element in root.iter(etree.Element):
        if etree.QName(element).namespace not in TAXII_NAMESPACES:
            continue
        for name in BOOLEAN_ATTRIBUTES & set(element.attrib.keys()):
            value = element.attrib[name]
            canonical = {"1": "true", "0": "false"}.get(value.strip(), value.strip())
            if canonical != value:
                element.attrib[name] = canonical
                changed = True
    if not changed:
        return data
    return etree.tostring(root, encoding="utf-8")


def patch_default_query_test_parsing():
    """Work around libtaxii's Default Query parameter bug (quirk 12).

    libtaxii turns every tdq:Parameter text equal to "true"/"false" into a
    Python bool before looking at the parameter's declared type, so a
    string-typed `value` of "true" makes the whole message fail to parse.
    This replacement is libtaxii's own conversion with that one case fixed:
    a parameter the capability module declares as a string keeps its text.
    """
    import dateutil.parser
    import six

    def from_etree(etree_xml):
        capability_id = etree_xml.attrib["capability_id"]
        relationship = etree_xml.attrib["relationship"]
        module = tdq.capability_modules.get(capability_id)
        declared = None
        if module is not None:
            declared = module.relationships.get(relationship)
            if declared is None:
                raise ValueError("Relationship (%s) not in CM (%s)." % (relationship, capability_id))
        parameters = {}
        for parameter in etree_xml.xpath("./tdq:Parameter", namespaces=tdq.ns_map):
            name = parameter.attrib["name"]
            text = parameter.text
            # The only change from libtaxii: a declared string stays a string.
            if text in ("true", "false") and not (
                    declared is not None and name in declared.parameters
                    and declared.parameters[name].type == six.string_types):
                parameters[name] = text == "true"
            elif declared is not None:
                kind = declared.parameters[name].type
                if kind == six.string_types:
                    kind = str
                elif kind == datetime.datetime:
                    kind = dateutil.parser.parse
                parameters[name] = kind(text)
            else:
                parameters[name] = text
        return tdq.DefaultQuery.Criterion.Test(capability_id, relationship, parameters)

    tdq.DefaultQuery.Criterion.Test.from_etree = staticmethod(from_etree)


def parse(version, data):
    """Parse bytes with the libtaxii module for the manifest's TAXII version."""
    module = tm10 if version == "1.0" else tm11
    return module.get_message_from_xml(normalise_booleans(data))


# -------------------------------------------------------------- to_dict()
def canonical_xml(serialised, where):
    """Exclusive C14N of an XML element that libtaxii serialised, without its tail.

    Quirk 2: XML content and XML-valued extended headers come back from
    to_dict() as etree.tostring() of the lxml element libtaxii kept.  That
    serialisation
      - copies every namespace declaration of the enclosing TAXII envelope, so
        it depends on the envelope's prefixes and declarations (quirk 1);
      - appends the element's tail: the text between the element and the end
        of Content/Extended_Header.  libtaxii drops the text before the
        element and sibling elements (quirk 2), but leaks this trailing text
        (pretty-printing whitespace, or the " after" of mixed content).
    Exclusive C14N of the element alone removes both effects.  Declarations
    whose prefix is used in an attribute value (QNames such as
    xsi:type="stix:...") are kept, so a lost binding is still detected.
    """
    try:
        # A wrapper element lets lxml read the element together with its tail.
        wrapper = etree.fromstring(b"<w>" + serialised + b"</w>")
        element = wrapper[0]
    except (etree.XMLSyntaxError, IndexError) as error:
        return ("unparseable-xml", where, str(error), serialised)
    element.tail = None
    prefixes = set()
    for node in element.iter(etree.Element):
        for value in node.attrib.values():
            match = QNAME_PREFIX.match(value)
            if match:
                prefixes.add(match.group(1))
    canonical = etree.tostring(element, method="c14n", exclusive=True, with_comments=True,
                               inclusive_ns_prefixes=sorted(prefixes) or None)
    return ("xml", canonical.decode("utf-8"))


def plain(value, where="$"):
    """Turn a to_dict() result into plain, comparable Python values."""
    if isinstance(value, TAXIIBase):
        # Quirk 16: TAXIIBase.__eq__ is unreliable (dict members always compare
        # equal), and some to_dict() methods return such objects (e.g.
        # supported_contents, Status_Detail SUPPORTED_CONTENT).  Compare their
        # own to_dict() instead.
        return plain(value.to_dict(), where)
    if isinstance(value, dict):
        return {key: plain(item, "%s.%s" % (where, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, "%s[%d]" % (where, index)) for index, item in enumerate(value)]
    if isinstance(value, (etree._Element, etree._ElementTree)):
        return canonical_xml(etree.tostring(value, encoding="utf-8"), where)
    if isinstance(value, bytes):
        # to_dict() only produces bytes from etree.tostring() of XML content
        # and XML-valued extended headers (quirk 2).
        return canonical_xml(value, where)
    if isinstance(value, datetime.datetime):
        # Quirk 3: dateutil gives tzlocal() or tzutc() for "Z" depending on
        # the host zone; isoformat() is what to_dict() uses elsewhere.
        return ("datetime", value.isoformat())
    return value


def first_difference(left, right, where="$"):
    """Path and values of the first place where two plain values differ."""
    if type(left) is not type(right):
        return where, left, right
    if isinstance(left, dict):
        for key in list(left.keys()) + [k for k in right.keys() if k not in left]:
            path = "%s.%s" % (where, key)
            if key not in right:
                return path, left[key], "<missing>"
            if key not in left:
                return path, "<missing>", right[key]
            found = first_difference(left[key], right[key], path)
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return "%s.length" % where, len(left), len(right)
        for index, (a, b) in enumerate(zip(left, right)):
            found = first_difference(a, b, "%s[%d]" % (where, index))
            if found:
                return found
        return None
    if isinstance(left, tuple) and len(left) == 2 and left[0] in ("xml", "datetime") \
            and left[0] == right[0] and left[1] != right[1]:
        return (where,) + text_window(left[1], right[1])
    if left != right:
        if isinstance(left, str) and isinstance(right, str):
            return (where,) + text_window(left, right)
        return where, left, right
    return None


def text_window(left, right):
    """The region around the first differing character of two strings."""
    index = next((i for i, (a, b) in enumerate(zip(left, right)) if a != b), min(len(left), len(right)))
    start = max(0, index - 30)
    return ("...%r... (char %d of %d)" % (left[start:index + 40], index, len(left)),
            "...%r... (char %d of %d)" % (right[start:index + 40], index, len(right)))


def short(value, limit=300):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(text)


def describe_error(error):
    return ("%s: %s" % (type(error).__name__, error)).replace("\n", " ")[:300]


# ------------------------------------------------------------------ main
def compare_pair(name, version, original_path, ours_path):
    """None when libtaxii reads both files to equal to_dict(); else a reason."""
    with open(original_path, "rb") as handle:
        original_bytes = handle.read()
    with open(ours_path, "rb") as handle:
        ours_bytes = handle.read()
    try:
        original = plain(parse(version, original_bytes).to_dict())
    except Exception as error:  # libtaxii raises many exception types
        return "libtaxii cannot read the ORIGINAL: %s" % describe_error(error)
    try:
        ours = plain(parse(version, ours_bytes).to_dict())
    except Exception as error:
        return "libtaxii rejects OUR output: %s" % describe_error(error)
    found = first_difference(original, ours)
    if found is None:
        return None
    path, left, right = found
    return "first difference at %s: original %s | ours %s" % (path, short(left), short(right))


def command_list(manifest_path):
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    for name in sorted(manifest):
        entry = manifest[name]
        if name.startswith("valid/") and entry.get("expect") in VALID_EXPECTS:
            print("%s\t%s\t%s" % (name, entry.get("version") or "", entry["expect"]))
    return 0


def command_compare(pairs_path, counts_path):
    patch_default_query_test_parsing()
    passed = failed = 0
    with open(pairs_path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if line.strip()]
    for line in lines:
        name, version, original_path, ours_path = line.split("\t")
        try:
            reason = compare_pair(name, version, original_path, ours_path)
        except Exception as error:  # a bug in this script must not hide the others
            reason = "comparison crashed: %s" % describe_error(error)
        if reason is None:
            passed += 1
        else:
            failed += 1
            print("FAIL libtaxii-equal %s: %s" % (name, reason))
    with open(counts_path, "w", encoding="utf-8") as handle:
        handle.write("%d %d\n" % (passed, failed))
    return 0 if failed == 0 else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        return command_list(argv[2])
    if len(argv) == 4 and argv[1] == "compare":
        return command_compare(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
