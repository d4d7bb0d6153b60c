"""Real feed items from git-scraped feed histories, as a poller would have seen them.

    python bench/realdata.py extract OUT.jsonl [FEED ...] [--since DAY --until DAY]  # walk the
        # mirrors in SOURCES (or only the named feeds), write every item; with --since/--until only
        # the polls of those days (UTC, until exclusive): an item already there at the first poll
        # then counts as first seen on that day, so window from the day after
    python bench/realdata.py net OUT.jsonl          # print the broad-net matches (for labelling)
    python bench/realdata.py top-stories OUT.jsonl FIRST LAST  # Google News top stories (snapshots)
    python bench/realdata.py window ALL.jsonl FEED FIRST LAST OUT.jsonl [KNOWN.jsonl ...]
        # one feed's items first seen FIRST..LAST (days, inclusive), less any link in KNOWN sets

A git-scraping repository commits a feed file on a schedule, so its history holds every poll.
For each source below, every commit that touched the file is read in time order (git log, then
git cat-file for the file at that commit), the version is parsed with feedparser, and an item
is kept the first time its link (or guid, when it has no link) appears: first_seen_at is that
commit's time in UTC, the title, summary and published date are the ones of that first
appearance. Nothing is fetched from the network: the mirrors are bare git directories made
beforehand (see bench/data/REAL_DATA.md for where they came from and which commits were read).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True)
class Source:
    feed: str  # our name for the feed
    repo: str  # owner/name on GitHub
    path: str  # the feed file inside the repository
    outlet: str  # who wrote the items
    since: str = ""  # ISO date: commits before it are skipped ("" = all)
    until: str = ""  # ISO date: commits from it on are skipped ("" = all)

    @property
    def git_dir(self) -> Path:
        return MIRRORS / self.repo.replace("/", "+") / "repo"


SOURCES = (
    Source("ap-news", "evilgodfahim/wl", "pau.xml", "apnews.com"),
    Source("reuters", "evilgodfahim/wl", "reuters.xml", "reuters.com"),
    Source("reuters-direct", "evilgodfahim/wl", "feed/reuters_direct.xml", "reuters.com"),
    Source("bbc-world", "zukuxi/bbcworldnews", "bbc_world.xml", "bbc.co.uk"),
    Source("reuters-world", "evilgodfahim/wl", "article.xml", "reuters.com"),
    Source("nyt-world", "evilgodfahim/nytint", "combined.xml", "nytimes.com"),
    Source("defense", "evilgodfahim/def", "merged-defense.xml", "defenseone.com"),
    Source("world-wire", "evilgodfahim/int", "temp.xml", "(many)"),
)

# The broad net: anything that could be on the story, or shares its words with it.
NET = re.compile(
    r"cartel|narco|drug|sinaloa|jalisco|cjng|chapo|chapitos|zambada|mencho|fentanyl|sheinbaum|harfuch"
    r"|hegseth|\bboats?\b|vessel|caribbean|venezuel|maduro|mexic|extradit|kingpin|\bdea\b|traffick"
    r"|cocaine|southcom|southern command|terrorist organi[sz]ation|colombia|petro\b|ecuador|tijuana"
    r"|border|guilty plea|pleads? guilty",
    re.IGNORECASE,
)
KEYWORDS = re.compile(r"cartel|sheinbaum|narco", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


# Off-story kinds: coarse groups for reading mistakes, by a keyword rule over the title (then the
# summary's opening), first match wins (bench/data/LABELS.md). On-story kinds are given by hand.
OFF_KINDS = (
    ("venezuela", r"venezuel|maduro|caracas|machado|delcy|rodriguez"),
    ("cuba", r"cuba|havana"),
    ("trade", r"tariff|trade|usmca|avocado|export|import|cattle|livestock|screwworm|salmonella|lettuce|jalape"),
    ("migration", r"immigra|\bICE\b|deport|migrant|asylum|border patrol|refugee|border wall|consulate"),
    ("world-cup", r"world cup|fifa|soccer|football"),
    ("new-mexico-state", r"new mexico"),
    ("other-mexico-crime", r"cartel|gunm|killed|shooting|violence|murder|disappeared|missing"),
    ("other-mexico", r"mexic|sheinbaum|guadalajara|jalisco|sinaloa|tijuana|chihuahua"),
    ("other-latam", r"colombia|petro\b|ecuador|brazil|honduras|guatemala|costa rica|peru|chile|bolivia|haiti|guyana"
     r"|panama|nicaragua|el salvador|latin america|caribbean|bahamas"),
    ("drugs-elsewhere", r"cocaine|drug|fentanyl|cannabis|traffick|kingpin|\bDEA\b|narcotic"),
    ("extradition-other", r"extradit"),
    ("other-military", r"hegseth|pentagon|military|strike|troops|navy|missile|war\b|drone|attack"),
)
_MEXICAN_PLACE = re.compile(r"mexic|sinaloa|jalisco|guadalajara|tijuana|michoac|guerrero", re.IGNORECASE)


def off_kind(title: str, summary: str) -> str:
    """The coarse kind of an off-story item; 'other-mexico-crime' only when the text names Mexico."""
    for text in (title, summary[:300]):
        for kind, pattern in OFF_KINDS:
            if kind == "other-mexico-crime" and not _MEXICAN_PLACE.search(text):
                continue
            if re.search(pattern, text, re.IGNORECASE):
                return kind
    return "other"


def plain(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text or ""))).strip()


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True, text=True
    ).stdout


def commits(source: Source) -> list[tuple[str, str]]:
    """(sha, commit time in UTC ISO) of every commit touching the file, oldest first."""
    out = git(source.git_dir, "log", "--reverse", "--format=%H %cI", "HEAD", "--", source.path)
    rows = []
    for row in out.splitlines():
        sha, when = row.split()
        utc = datetime.fromisoformat(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if (source.since and utc < source.since) or (source.until and utc >= source.until):
            continue
        rows.append((sha, utc))
    return rows


def versions(source: Source, rows: list[tuple[str, str]]):
    """Yield (sha, time, bytes) for each commit's copy of the file, via one git cat-file --batch."""
    proc = subprocess.Popen(
        ["git", "--git-dir", str(source.git_dir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    try:
        for sha, when in rows:
            proc.stdin.write(f"{sha}:{source.path}\n".encode())
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after the object
            yield sha, when, data
    finally:
        proc.stdin.close()
        proc.wait()


def _published(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_ARCHIVED = re.compile(r"^https?://archive\.(?:is|ph|today)/o/[^/]+/")


def _link(entry) -> str:
    """The item's own link: nyt-world wraps each in an archive.is redirect ("/o/KEY/URL")."""
    return _ARCHIVED.sub("", (entry.get("link") or "").strip())


def _key(entry) -> str:
    link = _link(entry)
    if link:
        parts = urlsplit(link)
        return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"
    return (entry.get("id") or entry.get("title") or "").strip()


def extract(source: Source):
    """Yield each item of the feed's history once, as first seen; then a provenance record."""
    rows = commits(source)
    seen: set[str] = set()
    first_sha = last_sha = None
    first_at = last_at = None
    polls = 0
    for sha, when, data in versions(source, rows):
        polls += 1
        first_sha, first_at = first_sha or sha, first_at or when
        last_sha, last_at = sha, when
        parsed = feedparser.parse(data)
        for entry in parsed.entries:
            key = _key(entry)
            title = plain(entry.get("title", ""))
            if not key or not title or key in seen:
                continue
            seen.add(key)
            summary = plain(entry.get("summary", ""))
            if summary == title:
                summary = ""
            yield {
                "id": f"{source.feed}:{hashlib.sha1(key.encode()).hexdigest()[:12]}",
                "feed": source.feed,
                "source": source.outlet,
                "title": title,
                "summary": summary,
                "url": _link(entry),
                "published_at": _published(entry),
                "first_seen_at": when,
                "commit": sha,
            }
    yield {
        "provenance": True,
        "feed": source.feed,
        "repo": source.repo,
        "path": source.path,
        "first_commit": first_sha,
        "last_commit": last_sha,
        "first_poll": first_at,
        "last_poll": last_at,
        "polls": polls,
        "items": len(seen),
    }


# Google News' US top stories, 20 headlines an hour, one Markdown file per poll ("- Title - Outlet"):
# no links, so an item is its headline. The files' names are the poll's time at UTC+2.
TOP_STORIES = Source("google-top", "wklnd/news-archive", "news", "news.google.com")
_TOP_FILE = re.compile(r"news/(\d{4})/(\d{2})/(\d{2})/(\d{2})-(\d{2})\.md$")


def extract_top_stories(source: Source = TOP_STORIES, first: str = "", last: str = ""):
    """Each headline of the snapshot files (at the mirror's HEAD) once, as first seen, for
    polls on days first..last (UTC, inclusive); the outlet is the title's " - Outlet" tail."""
    names = git(source.git_dir, "ls-tree", "-r", "--name-only", "HEAD", "--", source.path).split()
    polls = []
    for name in names:
        found = _TOP_FILE.search(name)
        if not found:
            continue
        year, month, day, hour, minute = map(int, found.groups())
        local = datetime(year, month, day, hour, minute, tzinfo=timezone(timedelta(hours=2)))
        when = local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if (first and when[:10] < first) or (last and when[:10] > last):
            continue
        polls.append((when, name))
    seen: set[str] = set()
    for when, name in sorted(polls):
        text = git(source.git_dir, "show", f"HEAD:{name}")
        for line in text.splitlines():
            if not line.startswith("- "):
                continue
            title, _, outlet = line[2:].strip().rpartition(" - ")
            title = plain(title or outlet)
            if not title or title in seen:
                continue
            seen.add(title)
            yield {
                "id": f"{source.feed}:{hashlib.sha1(title.encode()).hexdigest()[:12]}",
                "feed": source.feed,
                "source": outlet.strip() if title else "",
                "title": title,
                "summary": "",
                "url": "",
                "published_at": None,
                "first_seen_at": when,
            }


def link_key(url: str) -> str:
    """An item's link as _key makes it (host + path), for matching items across sets."""
    return _key({"link": url})


def window(rows, feed: str, first: str, last: str, known: set[str]) -> list[dict]:
    """One feed's items first seen on days first..last (inclusive), less those whose link is known."""
    return [
        row
        for row in rows
        if not row.get("provenance")
        and row["feed"] == feed
        and first <= row["first_seen_at"][:10] <= last
        and link_key(row["url"]) not in known
    ]


def main(argv: list[str]) -> None:
    command, out = argv[0], Path(argv[1])
    if command == "extract":
        args, bounds = argv[2:], {}
        for flag in ("--since", "--until"):
            if flag in args:
                at = args.index(flag)
                bounds[flag[2:]] = args[at + 1]
                del args[at : at + 2]
        with out.open("w", encoding="utf-8") as handle:
            wanted = set(args)  # feed names: only these (default every source)
            for source in SOURCES:
                if wanted and source.feed not in wanted:
                    continue
                source = replace(source, **bounds)
                if not source.git_dir.exists():
                    print(f"{source.feed}: no mirror at {source.git_dir}", file=sys.stderr)
                    continue
                for row in extract(source):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    if row.get("provenance"):
                        print(json.dumps(row), file=sys.stderr)
    elif command == "window":
        feed, first, last, target = argv[2], argv[3], argv[4], Path(argv[5])
        known = {
            link_key(json.loads(line)["url"])
            for extra in argv[6:]
            for line in Path(extra).read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
        rows = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
        kept = window(rows, feed, first, last, known)
        with target.open("w", encoding="utf-8") as handle:
            for row in kept:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{feed} first seen {first} .. {last}: {len(kept)} items", file=sys.stderr)
    elif command == "top-stories":  # OUT FIRST LAST: Google News top stories first seen FIRST..LAST
        with out.open("w", encoding="utf-8") as handle:
            count = 0
            for row in extract_top_stories(first=argv[2], last=argv[3]):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        print(f"{TOP_STORIES.feed} first seen {argv[2]} .. {argv[3]}: {count} headlines", file=sys.stderr)
    elif command == "net":
        for line in out.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not row.get("provenance") and NET.search(row["title"] + " " + row["summary"]):
                print(f"{row['id']}\t{row['first_seen_at'][:10]}\t{row['title']}\t{row['summary'][:200]}")


if __name__ == "__main__":
    main(sys.argv[1:])
