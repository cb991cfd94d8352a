pytest_plugins = ["pulumi_compshare.testing.fixtures"]
