#!/usr/bin/env escript
%% inets-lab.erl PORT DIR: Erlang/OTP inets (OTP 25, inets 8.2): httpd (mod_esi, mod_get, mod_head,
%% mod_log) and httpc against it. httpc with pipelining on (pipeline_timeout, max_sessions 1) sends
%% requests back to back on one connection before the responses. One JSON line per call on stdout.
%% Held-out round 16.
-module(inets_lab).
-mode(compile).
-export([main/1, hello/3, chunks/3, echo/3, fail/3]).

hello(S, _Env, _In) -> mod_esi:deliver(S, "Content-Type: application/json\r\n\r\n{\"hello\":\"inets\"}").
chunks(S, _Env, _In) ->
    mod_esi:deliver(S, "Content-Type: text/plain\r\nX-Odd-Case: yes\r\n\r\n"),
    [mod_esi:deliver(S, lists:duplicate(2000, $a + I)) || I <- lists:seq(0, 4)].
echo(S, Env, In) ->
    M = proplists:get_value(request_method, Env),
    mod_esi:deliver(S, io_lib:format("Content-Type: application/json\r\n\r\n{\"method\":\"~s\",\"got\":~b}", [M, iolist_size(In)])).
fail(S, _Env, _In) -> mod_esi:deliver(S, "status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nbusy").

log(M, Url, {ok, {{_V, St, _R}, _H, B}}) -> io:format("{\"method\":\"~s\",\"url\":\"~s\",\"status\":~b,\"size\":~b}~n", [M, Url, St, iolist_size(B)]);
log(M, Url, {ok, saved_to_file}) -> io:format("{\"method\":\"~s\",\"url\":\"~s\",\"status\":200}~n", [M, Url]);
log(M, Url, Other) -> io:format("{\"method\":\"~s\",\"url\":\"~s\",\"error\":\"~p\"}~n", [M, Url, Other]).

main([PortS, Dir]) ->
    Port = list_to_integer(PortS),
    ok = inets:start(),
    Doc = filename:join(Dir, "inets-root"), ok = filelib:ensure_dir(filename:join(Doc, "x")),
    ok = file:write_file(filename:join(Doc, "index.html"), <<"<p>inets static</p>\n">>),
    ok = file:write_file(filename:join(Doc, "big.bin"), binary:copy(<<"0123456789">>, 30000)),
    {ok, _} = inets:start(httpd, [{port, Port}, {bind_address, {127, 0, 0, 1}}, {server_name, "lab"},
        {server_root, Dir}, {document_root, Doc}, {erl_script_alias, {"/esi", [inets_lab]}},
        {modules, [mod_alias, mod_esi, mod_get, mod_head, mod_log]}, {keep_alive, true},
        {max_keep_alive_request, 100}, {transfer_log, filename:join(Dir, "inets-access.log")},
        {error_log, filename:join(Dir, "inets-error.log")}]),
    B = "http://127.0.0.1:" ++ PortS,
    %% plain: one connection at a time, keep-alive
    ok = httpc:set_options([{max_sessions, 1}, {keep_alive_timeout, 5000}]),
    G = fun(P) -> log("GET", B ++ P, httpc:request(get, {B ++ P, [{"x-lab", "1"}]}, [], [])) end,
    [G(P) || P <- ["/index.html", "/big.bin", "/esi/inets_lab:hello", "/esi/inets_lab:chunks", "/missing", "/esi/inets_lab:fail", "/esi/inets_lab:nosuch"]],
    log("HEAD", B ++ "/index.html", httpc:request(head, {B ++ "/index.html", []}, [], [])),
    log("POST", B ++ "/esi/inets_lab:echo", httpc:request(post, {B ++ "/esi/inets_lab:echo", [], "application/json", <<"{\"a\":[1,2,3]}">>}, [], [])),
    %% a chunked upload: httpc's {chunkify, Fun, Acc} body
    Gen = fun(N) when N < 4 -> {ok, lists:duplicate(1000, $z), N + 1}; (_) -> eof end,
    log("PUT", B ++ "/esi/inets_lab:echo", httpc:request(put, {B ++ "/esi/inets_lab:echo", [], "text/plain", {chunkify, Gen, 0}}, [], [])),
    log("DELETE", B ++ "/index.html", httpc:request(delete, {B ++ "/index.html", []}, [], [])),
    log("GET", B ++ "/index.html", httpc:request(get, {B ++ "/index.html", [{"if-modified-since", "Fri, 01 Jan 2038 00:00:00 GMT"}]}, [], [])),
    %% pipelining: 6 asynchronous GETs on one session
    ok = httpc:set_options([{pipeline_timeout, 5000}, {max_pipeline_length, 10}, {max_sessions, 1}]),
    G("/esi/inets_lab:hello"),   % opens the session the pipelined requests then join
    Ps = ["/index.html", "/esi/inets_lab:hello", "/big.bin", "/missing", "/esi/inets_lab:chunks", "/index.html"],
    Ids = [begin {ok, Id} = httpc:request(get, {B ++ P, []}, [], [{sync, false}]), {Id, P} end || P <- Ps],
    [receive {http, {Id, R}} -> log("GET", B ++ P, {ok, R}) after 10000 -> log("GET", B ++ P, timeout) end || {Id, P} <- Ids],
    timer:sleep(200),
    ok;
main(_) -> io:format(standard_error, "usage: inets-lab.erl PORT DIR~n", []), halt(2).
