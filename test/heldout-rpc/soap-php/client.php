<?php
// Held-out SOAP check: PHP SoapClient, SOAP 1.1 then 1.2, against the WSDL served over HTTP.
$port = $argv[1];
foreach ([SOAP_1_1, SOAP_1_2] as $v) {
  $c = new SoapClient("http://127.0.0.1:$port/server.php?wsdl", ['soap_version' => $v, 'cache_wsdl' => WSDL_CACHE_NONE, 'trace' => 1, 'exceptions' => true, 'location' => "http://127.0.0.1:$port/server.php"]);
  $show = function ($name, $f) use ($v) { try { echo json_encode(['v' => $v, 'call' => $name, 'result' => $f()]), "\n"; } catch (SoapFault $e) { echo json_encode(['v' => $v, 'call' => $name, 'fault' => $e->faultcode, 'string' => $e->faultstring, 'detail' => $e->detail ?? null]), "\n"; } };
  $show('add', fn() => $c->add(2, 40));
  $show('sum', fn() => $c->sum([1, 2, 3, 4]));
  $show('greet', fn() => $c->greet((object)['name' => 'Ada & Co', 'age' => 36, 'member' => true, 'score' => 9.5], false));
  $show('div', fn() => $c->div(1.0, 4.0));
  $show('div0', fn() => $c->div(1.0, 0.0));
  $show('nosuch', fn() => $c->__soapCall('nosuch', [1]));
}
