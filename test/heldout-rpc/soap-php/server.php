<?php
// Held-out SOAP check: PHP SoapServer (WSDL mode) behind `php -S`; GET ?wsdl serves the WSDL.
if ($_SERVER['REQUEST_METHOD'] === 'GET') { header('Content-Type: text/xml'); readfile(__DIR__ . '/calc.wsdl'); exit; }
class Calc {
  function add($a, $b) { return $a + $b; }
  function sum($values) { return array_sum($values); }
  function greet($who, $loud) { $t = "Hello, " . $who->name; return ['text' => $loud ? strtoupper($t) : $t, 'echo' => $who]; }
  function div($a, $b) { if ($b == 0) throw new SoapFault('Client', 'division by zero', null, ['a' => $a]); return $a / $b; }
}
$version = (strpos($_SERVER['CONTENT_TYPE'] ?? '', 'application/soap+xml') === 0) ? SOAP_1_2 : SOAP_1_1;
$s = new SoapServer(__DIR__ . '/calc.wsdl', ['soap_version' => $version, 'cache_wsdl' => WSDL_CACHE_NONE]);
$s->setClass('Calc');
$s->handle();
