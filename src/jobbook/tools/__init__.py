"""Contributor commands: add a resource, check links, package the offline zip."""
