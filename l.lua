wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"compras@munlima.gob.pe","password":"licita-demo-2026"}'
