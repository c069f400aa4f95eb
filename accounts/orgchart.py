"""The relationship map: contacts as a reporting tree in SVG, coloured by relationship
strength (1 red … 5 green). Cycles or dangling bosses in the data put a contact at the top."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Contact

STRENGTH = {1: "#fecaca", 2: "#fed7aa", 3: "#fef08a", 4: "#bbf7d0", 5: "#86efac"}
BORDER = {1: "#dc2626", 2: "#ea580c", 3: "#ca8a04", 4: "#16a34a", 5: "#15803d"}
NODE_W, NODE_H, GAP_X, GAP_Y = 170, 58, 18, 40


def _forest(contacts: list[Contact]) -> tuple[list[Contact], dict[int, list[Contact]]]:
    ids = {c.pk for c in contacts}
    looping = _looping({c.pk: c.reports_to_id for c in contacts})
    children: dict[int, list[Contact]] = {}
    roots = []
    for contact in contacts:
        boss = contact.reports_to_id
        if boss in ids and contact.pk not in looping:
            children.setdefault(boss, []).append(contact)
        else:
            roots.append(contact)
    return roots, children


def _looping(boss_of: dict[int, int | None]) -> set[int]:
    """Contacts whose chain of bosses runs into a loop (in it or below it): each contact is
    walked once, so a long chain costs as much as a short one."""
    looping: set[int] = set()
    safe: set[int] = set()
    for start in boss_of:
        path: list[int] = []
        current = start
        while current is not None and current not in looping and current not in safe:
            if current in path:
                looping.update(path)
                break
            path.append(current)
            current = boss_of.get(current)
        else:
            (looping if current in looping else safe).update(path)
    return looping


def _place(roots: list[Contact], children: dict[int, list[Contact]]) -> tuple[dict, float]:
    """Each contact's (x, depth): leaves side by side, a boss centred over its reports.
    Iterative, as a reporting chain can be deeper than Python's recursion limit."""
    positions: dict[int, tuple[float, int]] = {}
    next_x = 0.0
    stack = [(root, 0, False) for root in reversed(roots)]
    while stack:
        contact, depth, kids_placed = stack.pop()
        kids = children.get(contact.pk, [])
        if not kids:
            positions[contact.pk] = (next_x, depth)
            next_x += NODE_W + GAP_X
        elif kids_placed:
            x = (positions[kids[0].pk][0] + positions[kids[-1].pk][0]) / 2
            positions[contact.pk] = (x, depth)
        else:
            stack.append((contact, depth, True))
            stack.extend((kid, depth + 1, False) for kid in reversed(kids))
    return positions, next_x


def org_chart(contacts: list[Contact]) -> SafeString:
    if not contacts:
        return mark_safe("")
    roots, children = _forest(contacts)
    positions, next_x = _place(roots, children)
    width = max(next_x - GAP_X, NODE_W)
    height = (max(depth for _, depth in positions.values()) + 1) * (NODE_H + GAP_Y) - GAP_Y
    parts = [
        f'<svg class="chart orgchart" viewBox="-4 -4 {width + 8} {height + 8}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">'
        "<title>Relationship map: who reports to whom, coloured by relationship strength</title>"
    ]
    for boss, kids in children.items():
        bx, bd = positions[boss]
        for kid in kids:
            kx, kd = positions[kid.pk]
            y1, y2 = bd * (NODE_H + GAP_Y) + NODE_H, kd * (NODE_H + GAP_Y)
            mid = (y1 + y2) / 2
            parts.append(
                f'<path d="M{bx + NODE_W / 2:.0f},{y1} V{mid:.0f} H{kx + NODE_W / 2:.0f} V{y2}" '
                'fill="none" stroke="#94a3b8" stroke-width="1.5"/>'
            )
    for contact in contacts:
        x, depth = positions[contact.pk]
        y = depth * (NODE_H + GAP_Y)
        strength = contact.relationship_strength
        fill, stroke = STRENGTH.get(strength, "#e2e8f0"), BORDER.get(strength, "#94a3b8")
        role = contact.get_buying_role_display() if contact.buying_role else ""
        parts.append(
            f'<g class="node"><title>{escape(contact.name)}: relationship {strength}/5</title>'
            f'<rect x="{x:.0f}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.5"/>'
            f'<text x="{x + 10:.0f}" y="{y + 19}" font-size="12.5" font-weight="700" '
            f'fill="#0f172a">{escape(contact.name[:24])}</text>'
            f'<text x="{x + 10:.0f}" y="{y + 35}" font-size="11" fill="#334155">'
            f"{escape(contact.title[:28])}</text>"
            f'<text x="{x + 10:.0f}" y="{y + 50}" font-size="10.5" fill="#475569">'
            f"{escape(role)} · {strength}/5</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
