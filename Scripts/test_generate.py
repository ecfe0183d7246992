#!/usr/bin/env python3
"""Tests of Scripts/generate.py's refusals and of what it reads from the schemas.

Run by Scripts/test.sh before the Swift tests: python3 Scripts/test_generate.py
"""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402

OPTIONS = os.path.join(generate.SCHEMAS, "tongxin/rpc/v1/options.proto")


def schema(service_body, package="tongxin.sample.v1"):
    return f'''syntax = "proto3";
package {package};
import "tongxin/rpc/v1/options.proto";
message Req {{ string id = 1; }}
message Res {{ string id = 1; }}
service Sample {{
{service_body}
}}
'''


class PermissionTests(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.root, "tongxin/rpc/v1"))
        os.makedirs(os.path.join(self.root, "tongxin/sample/v1"))
        shutil.copyfile(OPTIONS, os.path.join(self.root, "tongxin/rpc/v1/options.proto"))

    def tearDown(self):
        shutil.rmtree(self.root)

    def load(self, text, path="tongxin/sample/v1/sample.proto"):
        with open(os.path.join(self.root, path), "w") as fh:
            fh.write(text)
        return generate.describe(self.root, generate.proto_files(self.root))

    def test_method_without_permission_is_refused(self):
        fds = self.load(schema('''  rpc Get(Req) returns (Res) { option (tongxin.rpc.v1.permission) = "sample.read"; }
  rpc Put(Req) returns (Res);'''))
        with self.assertRaisesRegex(generate.SchemaError, r"tongxin.sample.v1.Sample/Put declares no permission"):
            generate.Generator(fds)

    def test_empty_permission_is_refused(self):
        fds = self.load(schema('''  rpc Put(Req) returns (Res) { option (tongxin.rpc.v1.permission) = ""; }'''))
        with self.assertRaises(generate.SchemaError):
            generate.Generator(fds)

    def test_open_service_declares_none(self):
        fds = self.load(schema('''  rpc Check(Req) returns (Res) { option (tongxin.rpc.v1.permission) = "x"; }''',
                               package="tongxin.health.v1").replace("service Sample", "service Health"))
        with self.assertRaisesRegex(generate.SchemaError, "is open"):
            generate.Generator(fds)

    def test_permission_and_read_only_are_generated(self):
        fds = self.load(schema('''  rpc Get(Req) returns (Res) {
    option idempotency_level = NO_SIDE_EFFECTS;
    option (tongxin.rpc.v1.permission) = "sample.read";
  }
  rpc Put(Req) returns (Res) { option (tongxin.rpc.v1.permission) = "sample.write"; }'''))
        gen = generate.Generator(fds)
        sample = next(f for f in gen.files if f.package == "tongxin.sample.v1")
        swift = gen.services_file(sample)
        self.assertIn('name: "Get", idempotent: true, readOnly: true, permission: "sample.read")', swift)
        self.assertIn('name: "Put", idempotent: false, readOnly: false, permission: "sample.write")', swift)
        self.assertIn("Method.get.descriptor,\n            Method.put.descriptor,", swift)
        # The option file is the generator's alone: protoc-c sees neither it nor the values.
        c_fds = generate.without_options(fds)
        self.assertEqual([f.name for f in c_fds.file], ["tongxin/sample/v1/sample.proto"])
        self.assertEqual(list(c_fds.file[0].dependency), [])
        self.assertFalse(c_fds.file[0].service[0].method[1].HasField("options"))


if __name__ == "__main__":
    unittest.main()
