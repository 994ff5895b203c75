<?php
// Held-out XML-RPC check: PHP ext-xmlrpc client (xmlrpc_encode_request + file_get_contents), incl. system.multicall
$url = "http://127.0.0.1:$argv[1]/";
function rpc($url, $m, $p, $opts = []) {
  $req = xmlrpc_encode_request($m, $p, $opts + ['encoding' => 'UTF-8', 'escaping' => 'markup']);
  $ctx = stream_context_create(['http' => ['method' => 'POST', 'header' => "Content-Type: text/xml\r\n", 'content' => $req, 'timeout' => 5]]);
  $r = xmlrpc_decode(file_get_contents($url, false, $ctx), 'UTF-8');
  echo json_encode(['method' => $m, 'result' => $r]), "\n";
}
rpc($url, 'math.add', [2, 3]);
$d = '20240102T03:04:05'; xmlrpc_set_type($d, 'datetime');
$b = "bin\x00\xff"; xmlrpc_set_type($b, 'base64');
rpc($url, 'echo', [['name' => 'Zoë <&>', 'n' => -7, 'f' => 1.5, 'ok' => false, 'list' => [1, 'a', [true]], 'when' => $d, 'blob' => $b, 'empty' => [], 'nested' => ['x' => ['y' => 'z']]]]);
rpc($url, 'fail', []);
rpc($url, 'nosuch', [1]);
rpc($url, 'system.multicall', [[['methodName' => 'math.add', 'params' => [1, 2]], ['methodName' => 'fail', 'params' => []]]]);
rpc($url, 'echo', ['verbose'], ['verbosity' => 'pretty']);
rpc($url, 'echo', ['é latin1'], ['encoding' => 'iso-8859-1', 'escaping' => ['non-ascii', 'markup']]);
