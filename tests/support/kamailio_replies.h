#pragma once

// JSON-RPC results recorded from Kamailio 5.6.3 running kamailio-cfg/kamailio.cfg (with
// ds_ping_latency_stats), each the reply's "result". The password is a test value.
namespace mv::test {

// dispatcher.list, latency stats on: an application server nobody answers, a carrier answering
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

// permissions.addressDump.
inline constexpr const char* kAddressDump =
    R"json([{"table":93,"group":1,"item":{"ip":"203.0.113.7","port":0,
"tag":"trunk_20261122T182939.475543228,cust_a"}}])json";

// permissions.subnetDump (an IPv4 /24 and an IPv6 /32).
inline constexpr const char* kSubnetDump =
    R"json([{"id":0,"group":1,"item":{"ip":"198.51.100.0","mask":24,"port":0,
"tag":"trunk_20261122T182939.475543229,cust_a"}},{"id":1,"group":1,"item":{"ip":"2001:db8::",
"mask":32,"port":0,"tag":"trunk_3,cust_b"}}])json";

// uac.reg_dump while the first REGISTER is out (flags 18).
inline constexpr const char* kRegDump =
    R"json([{"l_uuid":"trunk_20261122T182939.475543228","l_username":"trunk_20261122T182939.475543228",
"l_domain":"127.0.0.1","r_username":"acct1","r_domain":"127.0.0.1","realm":"carrier.test",
"auth_username":"acct1","auth_password":"s3cretPW","auth_ha1":"none",
"auth_proxy":"sip:127.0.0.1:47396","expires":60,"flags":18,"diff_expires":0,
"timer_expires":1795390152,"reg_init":1795390129,"reg_delay":0,
"contact_addr":"127.0.0.1:47392","socket":null}])json";

// htable.dump mv: one trunk's credentials, one customer's set.
inline constexpr const char* kHtableMv =
    R"json([{"entry":47557,"size":1,"slot":[{"name":"a:trunk_20261122T182939.475543228",
"value":"user1:carrier.test:s3cretPW","type":"str"}]},{"entry":63552,"size":1,
"slot":[{"name":"c:cust_a","value":1001,"type":"int"}]}])json";

}  // namespace mv::test
