<?php
// Held-out XML-RPC check: PHP ext-xmlrpc server behind `php -S` (pretty-printed output, ISO-8859-1 by default)
$s = xmlrpc_server_create();
xmlrpc_server_register_method($s, 'math.add', fn($m, $p) => $p[0] + $p[1]);
xmlrpc_server_register_method($s, 'echo', fn($m, $p) => $p[0]);
xmlrpc_server_register_method($s, 'fail', fn($m, $p) => ['faultCode' => 3, 'faultString' => 'php says no']);
header('Content-Type: text/xml');
echo xmlrpc_server_call_method($s, file_get_contents('php://input'), null, ['encoding' => 'UTF-8']);
