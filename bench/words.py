"""The words of the generated data set: people's and organisations' names, and what cases are about.

Each topic is a subject and a few sentences of description; comments come from the reply templates.
`{item}` is a configuration item's name, `{person}` a colleague's first name. The bench searches for some
of these words (SEARCH_QUERIES), so their frequencies are known: each topic is in about 1/len(TOPICS) of
the cases.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "David", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
    "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf",
    "Zoe", "Anil", "Bea", "Carlos", "Dora", "Emil", "Fatima", "Gustav", "Hana", "Ivo", "Jana", "Kofi",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka",
    "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Novak", "Silva", "Haddad", "Mensah",
)  # fmt: skip
COMPANY_WORDS = (
    "Northwind", "Blue Harbour", "Kestrel", "Aurora", "Ironbridge", "Lakeside", "Meridian", "Oakridge",
    "Pinnacle", "Redwood", "Silverline", "Summit", "Tidewater", "Vantage", "Westgate", "Brightwater",
)  # fmt: skip
COMPANY_KINDS = (
    "Logistics", "Bank", "Health", "Foods", "Energy", "Insurance", "Retail", "Media", "Labs", "Travel",
)  # fmt: skip

ITEM_TYPES = (
    ("server", "Server", "srv"),
    ("certificate", "Certificate", "cert"),
    ("network-device", "Network device", "net"),
    ("application", "Application", "app"),
)

TEAMS = (
    ("Service Desk", "service-desk", 0.40),
    ("Cloud Operations", "cloud-operations", 0.25),
    ("Network", "network", 0.20),
    ("Applications", "applications", 0.15),
)

# (subject, description sentences): every case is about one of these.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("VPN tunnel drops every few minutes", ("The site-to-site VPN to {item} reconnects constantly.",
     "Users lose their sessions each time.")),
    ("Printer on the third floor is not printing", ("Jobs stay in the queue.", "{person} restarted it.")),
    ("TLS certificate expired on {item}", ("Browsers show a certificate warning.",
     "The certificate must be renewed today.")),
    ("Backup job failed overnight", ("The nightly backup of {item} failed with a timeout.",
     "The previous run was fine.")),
    ("Mailbox full for {person}", ("Outgoing mail bounces with a quota error.",)),
    ("Slow database queries in reporting", ("Reports on {item} take minutes instead of seconds.",
     "It started after the last release.")),
    ("Password reset for a new starter", ("{person} cannot sign in on the first day.",)),
    ("Firewall rule change request", ("Please open port 8443 from the office to {item}.",
     "The change is approved by our security lead.")),
    ("Disk space low on {item}", ("The data volume is 95% full.", "Log rotation may have stopped.")),
    ("Load balancer health checks failing", ("Two of four backends behind {item} are marked down.",)),
    ("DNS record update", ("Please point the CNAME for the intranet at {item}.",)),
    ("New laptop for {person}", ("A standard developer laptop with a docking station, please.",)),
    ("Access to the shared drive", ("{person} needs read access to the finance share.",)),
    ("Website returns 502 errors", ("The public site behind {item} answers 502 for some pages.",
     "Customers are complaining.")),
    ("Kubernetes pods restarting in a loop", ("The payments pods on {item} are in CrashLoopBackOff.",)),
    ("Wi-Fi is very slow in the meeting rooms", ("Video calls freeze.", "Wired connections are fine.")),
    ("Invoice question about last month", ("The invoice lists services we cancelled.",)),
    ("Scheduled maintenance window", ("Please confirm the maintenance of {item} on Saturday night.",)),
    ("Phishing email reported", ("{person} received a suspicious email asking for credentials.",)),
    ("Monitoring alert: high CPU", ("CPU on {item} has been above 90% for an hour.",)),
    ("Software licence renewal", ("Our licences for the design suite expire next month.",)),
    ("Replication lag on the database cluster", ("The replica of {item} is hours behind.",)),
    ("Cannot connect to the SFTP server", ("Transfers to {item} fail with a handshake error.",)),
    ("Onboarding of a new branch office", ("Twelve people start in the new office on Monday.",)),
    ("Feature request: export to spreadsheet", ("We would like to export the report as a spreadsheet.",)),
    ("Storage quota increase", ("Please add 500 GB to the object storage bucket on {item}.",)),
    ("Single sign-on fails for some users", ("{person} gets an error after the identity provider step.",)),
    ("API rate limit reached", ("Our integration receives 429 answers from {item}.",)),
    ("Firmware upgrade of the core switch", ("Please schedule the upgrade of {item}.",)),
    ("Feedback on the last incident", ("Thank you for the quick help last week.",)),
)  # fmt: skip

CUSTOMER_REPLIES = (
    "Still seeing the problem on {item} this morning.",
    "Thanks, that works for us now.",
    "{person} confirms the issue is back after lunch.",
    "Attached the log from {item}.",
    "Could you give us an update, please?",
)
AGENT_REPLIES = (
    "We restarted the service on {item}; please check again.",
    "Could you send us the exact error message and the time it happened?",
    "We applied the change. Please confirm it works for you.",
    "The vendor has acknowledged the problem; a fix is expected this week.",
    "This is scheduled for tonight's maintenance window.",
)
INTERNAL_NOTES = (
    "Checked the logs on {item}: timeouts from the storage backend.",
    "Escalated to the vendor, ticket reference VND-{number}.",
    "Looks like the same root cause as last month's outage.",
    "Customer is on the premium plan; keep them updated every hour.",
)
ATTACHMENT_NAMES = ("error-log", "screenshot-notes", "trace", "config-export", "report")
ATTACHMENT_BODY = b"Supportal bench: a tiny shared attachment.\n"

# What `supportal bench run` searches for (as an agent, across every case): a common word, two words
# of one topic, and a prefix.
SEARCH_QUERIES = ("vpn", "certificate expired", "replicat lag", "backup failed")
