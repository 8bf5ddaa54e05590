#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that Documentation/netlink/ipsec6.yaml, module/uapi/ipsec6.h and the
attribute policies and operation flags in module/netlink.c agree.  Prints
TAP, one point per check; exits non-zero if any fails."""
import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests'))
from ipsec6nl import C  # noqa: E402  (uapi constants, parsed from the header)

SPEC = yaml.safe_load(open(os.path.join(REPO, 'Documentation/netlink/ipsec6.yaml')))
NETLINK_C = open(os.path.join(REPO, 'module/netlink.c')).read()

DEF_PREFIX = {
    'txn-flags': 'IPSEC6_TXN_F_', 'dir': 'IPSEC6_DIR_',
    'action': 'IPSEC6_ACTION_', 'proto': 'IPSEC6_PROTO_',
    'mode': 'IPSEC6_MODE_', 'from-packet': 'IPSEC6_FROM_PKT_',
    'policy-flags': 'IPSEC6_POLICY_F_', 'sa-flags': 'IPSEC6_SA_F_',
    'sa-state': 'IPSEC6_SA_STATE_', 'expire': 'IPSEC6_EXPIRE_',
}
SET_PREFIX = {
    'ipsec6': 'IPSEC6_A_', 'policy': 'IPSEC6_POLICY_A_',
    'sa': 'IPSEC6_SA_A_', 'counts': 'IPSEC6_COUNTS_A_',
    'stats': 'IPSEC6_STATS_A_', 'flow': 'IPSEC6_FLOW_A_',
}
# The kernel policy array that validates each attribute set on input.
SET_POLICY = {'policy': 'ipsec6_nl_policy_policy', 'sa': 'ipsec6_nl_sa_policy'}
NLA_TYPE = {
    'NLA_U8': 'u8', 'NLA_U16': 'u16', 'NLA_U32': 'u32', 'NLA_U64': 'u64',
    'NLA_NUL_STRING': 'string', 'NLA_BINARY': 'binary', 'NLA_FLAG': 'flag',
    'NLA_NESTED': 'nest',
}

n = 0
failed = 0


def point(good, name, why=''):
    global n, failed
    n += 1
    if good:
        print('ok %d - %s' % (n, name))
    else:
        failed += 1
        print('not ok %d - %s' % (n, name))
        if why:
            print('# ' + why)


def cname(prefix, name):
    return prefix + name.upper().replace('-', '_')


def check_definitions():
    for d in SPEC['definitions']:
        if d['type'] == 'const':
            c = cname('IPSEC6_', d['name'])
            point(C.get(c) == d['value'], 'const %s = %s' % (c, d['value']),
                  'header has %r' % C.get(c))
            continue
        prefix = DEF_PREFIX[d['name']]
        val = -1 if d['type'] == 'enum' else None
        for i, e in enumerate(d['entries']):
            if isinstance(e, dict):
                name, v = e['name'], e.get('value')
            else:
                name, v = e, None
            if d['type'] == 'flags':
                want = 1 << i if v is None else v
            else:
                want = val + 1 if v is None else v
                val = want
            c = cname(prefix, name)
            point(C.get(c) == want, '%s %s = %d' % (d['type'], c, want),
                  'header has %r' % C.get(c))


def kernel_policy_types(array):
    """{attribute constant: (yaml type, rejected)} of a policy array."""
    m = re.search(r'nla_policy %s\[[^\]]*\] = \{(.*?)\n\};' % array,
                  NETLINK_C, re.S)
    out = {}
    for attr, body in re.findall(r'\[(IPSEC6_\w+)\]\s*=\s*(.*?)(?=,\n\t\[|,\n$|$)',
                                 m.group(1) + '\n', re.S):
        if 'NLA_REJECT' in body:
            out[attr] = (None, True)
        elif 'EXACT_LEN' in body:
            out[attr] = ('binary', False)
        elif 'NLA_POLICY_NESTED' in body:
            out[attr] = ('nest', False)
        else:
            # NLA_POLICY_MASK(NLA_U8, ...) and the like name the type inside
            t = [x for x in re.findall(r'NLA_[A-Z0-9_]+', body) if x in NLA_TYPE]
            out[attr] = (NLA_TYPE[t[0]] if t else body, False)
    return out


def check_sets():
    for s in SPEC['attribute-sets']:
        prefix = SET_PREFIX[s['name']]
        attrs = s['attributes']
        for i, a in enumerate(attrs):
            c = cname(prefix, a['name'])
            point(C.get(c) == i + 1, 'attribute %s = %d' % (c, i + 1),
                  'header has %r' % C.get(c))
        mx = prefix + 'MAX'
        point(C.get(mx) == len(attrs), '%s = %d' % (mx, len(attrs)),
              'header has %r' % C.get(mx))
        if s['name'] not in SET_POLICY:
            continue
        pol = kernel_policy_types(SET_POLICY[s['name']])
        for a in attrs:
            if a['type'] == 'pad':
                continue
            c = cname(prefix, a['name'])
            ro = 'Read-only' in a.get('doc', '')
            t, rejected = pol.get(c, (None, None))
            if ro:
                point(rejected is True, '%s is rejected on input' % c,
                      'kernel policy: %r' % (pol.get(c),))
            else:
                point(t == a['type'], '%s is %s in the kernel policy' %
                      (c, a['type']), 'kernel policy: %r' % (pol.get(c),))


def check_ops():
    ops = SPEC['operations']['list']
    for i, o in enumerate(ops):
        c = cname('IPSEC6_CMD_', o['name'])
        point(C.get(c) == i + 1, 'command %s = %d' % (c, i + 1),
              'header has %r' % C.get(c))
        if 'event' in o:
            continue
        m = re.search(r'IPSEC6_NL_OP(?:_NOATTR)?\(%s,(.*?)\),' % c,
                      NETLINK_C, re.S)
        if not m:
            point(False, '%s is an operation in module/netlink.c' % c)
            continue
        admin = 'GENL_UNS_ADMIN_PERM' in m.group(1)
        want = 'uns-admin-perm' in o.get('flags', [])
        point(admin == want, '%s %s CAP_NET_ADMIN' %
              (c, 'needs' if want else 'does not need'))
        dump = 'dump' in o
        has_dump = not re.search(r',\s*NULL\s*,', m.group(1)) and \
            'NOATTR' not in m.group(0)
        point(dump == has_dump, '%s %s a dump' % (c, 'has' if dump else 'has no'))
    point(C.get('IPSEC6_CMD_MAX') == len(ops), 'IPSEC6_CMD_MAX = %d' % len(ops))
    groups = [g['name'] for g in SPEC['mcast-groups']['list']]
    point(groups == [C.get('IPSEC6_MCGRP_EVENTS')], 'multicast groups %s' % groups)
    point(C.get('IPSEC6_GENL_NAME') == SPEC['name'], 'family name')


check_definitions()
check_sets()
check_ops()
print('1..%d' % n)
sys.exit(1 if failed else 0)
