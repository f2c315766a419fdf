#pragma once

// JSON-RPC results recorded from Kamailio 5.6.3 running kamailio-cfg/kamailio.cfg (with
// ds_ping_latency_stats), each the reply's "result". The password is a test value.
namespace mv::test {

// dispatcher.list, latency stats on, of a node on edge rows layout 2 (trunks in customers' sets,
// before model::kEdgeRowsLayout 3): an application server nobody answers, a carrier answering
// OPTIONS, one whose name does not resolve, the padding set.
inline constexpr const char* kDispatcherList =
    R"json({"NRSETS":3,"RECORDS":[{"SET":{"ID":1,"TARGETS":[{"DEST":{"URI":"sip:127.0.0.1:47394",
"FLAGS":"IP","PRIORITY":0,"ATTRS":{"BODY":"app_server=0","DUID":null,"MAXLOAD":0,"WEIGHT":0,
"RWEIGHT":0,"SOCKET":null,"SOCKNAME":null,"OBPROXY":null},"LATENCY":{"AVG":0,"STD":0,"EST":0,
"MAX":0,"TIMEOUT":17}}}]}},{"SET":{"ID":1001,"TARGETS":[{"DEST":{"URI":"sip:127.0.0.1:47395",
"FLAGS":"AP","PRIORITY":1999999999,
"ATTRS":{"BODY":"trunk=trunk_20261122T182939.475543228;customer=cust_a","DUID":null,
"MAXLOAD":0,"WEIGHT":0,"RWEIGHT":0,"SOCKET":null,"SOCKNAME":null,"OBPROXY":null},
"LATENCY":{"AVG":0.10028,"STD":0.031952,"EST":0.418243,"MAX":3,
"TIMEOUT":0}}},{"DEST":{"URI":"sip:carrier.example.net:5061;transport=tcp","FLAGS":"IP",
"PRIORITY":1999999998,
"ATTRS":{"BODY":"trunk=trunk_20261122T182939.475543229;customer=cust_a;from_domain=example.net",
"DUID":null,"MAXLOAD":0,"WEIGHT":0,"RWEIGHT":0,"SOCKET":null,"SOCKNAME":null,"OBPROXY":null},
"LATENCY":{"AVG":0,"STD":0,"EST":0,"MAX":0,"TIMEOUT":0}}}]}},{"SET":{"ID":2,
"TARGETS":[{"DEST":{"URI":"sip:192.0.2.255:9","FLAGS":"DX","PRIORITY":0,
"ATTRS":{"BODY":"padding=1","DUID":null,"MAXLOAD":0,"WEIGHT":0,"RWEIGHT":0,"SOCKET":null,
"SOCKNAME":null,"OBPROXY":null},"LATENCY":{"AVG":0,"STD":0,"EST":0,"MAX":0,
"TIMEOUT":0}}}]}}]})json";

// dispatcher.list of a node on layout 3: the application servers alone (kDispatcherList's set 1).
inline constexpr const char* kDispatcherListAppServers =
    R"json({"NRSETS":1,"RECORDS":[{"SET":{"ID":1,"TARGETS":[{"DEST":{"URI":"sip:127.0.0.1:47394",
"FLAGS":"IP","PRIORITY":0,"ATTRS":{"BODY":"app_server=0","DUID":null,"MAXLOAD":0,"WEIGHT":0,
"RWEIGHT":0,"SOCKET":null,"SOCKNAME":null,"OBPROXY":null},"LATENCY":{"AVG":0,"STD":0,"EST":0,
"MAX":0,"TIMEOUT":17}}}]}}]})json";

// htable.dump mvdown: the probes hold the carrier whose name does not resolve down.
inline constexpr const char* kHtableMvdown =
    R"json([{"entry":311,"size":1,"slot":[{"name":"sip:carrier.example.net:5061;transport=tcp",
"value":1,"type":"int"}]}])json";

// uac.reg_dump while the first REGISTER is out (flags 18).
inline constexpr const char* kRegDump =
    R"json([{"l_uuid":"trunk_20261122T182939.475543228","l_username":"trunk_20261122T182939.475543228",
"l_domain":"127.0.0.1","r_username":"acct1","r_domain":"127.0.0.1","realm":"carrier.test",
"auth_username":"acct1","auth_password":"s3cretPW","auth_ha1":"none",
"auth_proxy":"sip:127.0.0.1:47396","expires":60,"flags":18,"diff_expires":0,
"timer_expires":1795390152,"reg_init":1795390129,"reg_delay":0,
"contact_addr":"127.0.0.1:47392","socket":null}])json";

// htable.dump mv, in the shape Kamailio 5.6.3 answers (entries are hash slots; these are not
// recorded): one trunk's credentials, two trunks' routes, one customer's route list, the probe
// list of their two destinations, and the source keys
// (model::source_keys) of six trunks: an IPv4 address and /24, IPv6 ::1 and 3fff::7,
// 2001:db8::/32, and 3fff:0:8::/45 split into its 8 /48 keys; then the prefix lengths in use
// ("s:4", "s:6").
inline constexpr const char* kHtableMv =
    R"json([{"entry":47557,"size":1,"slot":[{"name":"a:trunk_20261122T182939.475543228",
"value":"user1:carrier.test:s3cretPW","type":"str"}]},{"entry":63552,"size":1,
"slot":[{"name":"p:n","value":2,"type":"int"}]},{"entry":63553,"size":2,
"slot":[{"name":"p:0","value":"sip:127.0.0.1:47395","type":"str"},{"name":"p:1",
"value":"sip:carrier.example.net:5061;transport=tcp","type":"str"}]},{"entry":2207,"size":2,
"slot":[{"name":"t:trunk_20261122T182939.475543228","value":"cust_a||sip:127.0.0.1:47395",
"type":"str"},{"name":"t:trunk_20261122T182939.475543229",
"value":"cust_a|example.net|sip:carrier.example.net:5061;transport=tcp","type":"str"}]},{"entry":5310,"size":1,
"slot":[{"name":"o:cust_a","value":"trunk_20261122T182939.475543228","type":"str"}]},{"entry":1201,"size":2,
"slot":[{"name":"s:127.0.0.2","value":"trunk_20261122T182939.475543228,cust_a","type":"str"},
{"name":"s:10.1.2.0/24","value":"trunk_20261122T182939.475543229,cust_a","type":"str"}]},
{"entry":1302,"size":1,"slot":[{"name":"s:20010db8/32","value":"trunk_3,cust_b","type":"str"}]},
{"entry":1403,"size":2,"slot":[{"name":"s:00000000000000000000000000000001",
"value":"trunk_5,cust_b","type":"str"},{"name":"s:3fff0000000000000000000000000007",
"value":"trunk_6,cust_b","type":"str"}]},{"entry":1504,"size":8,
"slot":[{"name":"s:3fff00000008/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff00000009/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000a/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000b/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000c/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000d/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000e/48","value":"trunk_4,cust_b","type":"str"},
{"name":"s:3fff0000000f/48","value":"trunk_4,cust_b","type":"str"}]},{"entry":1605,"size":2,
"slot":[{"name":"s:4","value":"24","type":"str"},{"name":"s:6","value":"48|32",
"type":"str"}]}])json";

}  // namespace mv::test
