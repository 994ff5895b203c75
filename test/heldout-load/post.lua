-- wrk: JSON POSTs with wrk.format (Content-Length added by wrk), through nginx to server.cjs
wrk.method = "POST"
wrk.body = '{"user":"load","items":[1,2,3],"note":"wrk post"}'
wrk.headers["Content-Type"] = "application/json"
