"""Ten concurrent 25 MB bids against a running Licita (the demo data, its three supplier
companies on the open tenders), printing the server's resident memory before, at its peak and
after, sampled every 50 ms from /proc. Usage: python3 scripts/bid_memory.py URL SERVER_PID
(BENCHMARKS.md, 2026-12-07). Requests the server refuses before reading the body (a company
that already bid) break the pipe and are retried on another tender."""
import base64, json, os, sys, threading, time, urllib.request

base, pid = sys.argv[1], int(sys.argv[2])
def rss():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
def call(method, path, token=None, body=None, ctype="application/json"):
    req = urllib.request.Request(base + path, method=method, data=body)
    if token: req.add_header("Authorization", "Bearer " + token)
    if body is not None: req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except urllib.error.URLError as e:
        return 0, str(e).encode()
def login(email):
    s, b = call("POST", "/api/v1/auth/login", body=json.dumps({"email": email, "password": "licita-demo-2026"}).encode())
    return json.loads(b)["token"]
suppliers = [login(e) for e in ["ventas@andinasac.com.pe", "gerencia@constructorasol.pe", "sales@techperu.com"]]
s, b = call("GET", "/api/v1/tenders?status=open&per_page=100")
tenders = json.loads(b)["tenders"]
pdf = b"%PDF-1.4\n" + os.urandom(25 * 1024 * 1024 - 9)
doc = base64.b64encode(pdf).decode()
jobs = []
for t in tenders:
    st, detail = call("GET", f"/api/v1/tenders/{t['id']}")
    lots = [{"lot": l["number"], "amount": "1000.00"} for l in json.loads(detail).get("lots", [])] or [{"lot": 1, "amount": "1000.00"}]
    for tok in suppliers:
        jobs.append((tok, t["id"], lots))
results, peak = [], [0]
stop = False
def sample():
    while not stop:
        peak[0] = max(peak[0], rss()); time.sleep(0.05)
before = rss()
threading.Thread(target=sample, daemon=True).start()
def bid(tok, tid, lots):
    body = json.dumps({"lots": lots, "declarations": ["truthful", "not_debarred", "no_conflict_of_interest", "accepts_terms"], "documents": [{"name": "propuesta.pdf", "content_base64": doc}]}).encode()
    s, b = call("POST", f"/api/v1/tenders/{tid}/bids", tok, body)
    results.append((s, b[:200]))
accepted = 0
pending = list(jobs)
t0 = time.time()
while accepted < 10 and pending:
    batch = pending[: 10 - accepted]; pending = pending[10 - accepted:]
    results.clear()
    threads = [threading.Thread(target=bid, args=j) for j in batch]
    [t.start() for t in threads]; [t.join() for t in threads]
    accepted += sum(1 for s, _ in results if s == 201)
    print("batch:", [s for s, _ in results], file=sys.stderr)
took = time.time() - t0
time.sleep(5)
after5 = rss()
time.sleep(10)
stop = True
print(json.dumps({"accepted": accepted, "rss_before_mb": before, "rss_peak_mb": peak[0], "rss_after_5s_mb": after5, "rss_after_15s_mb": rss(), "seconds": round(took, 1)}))
