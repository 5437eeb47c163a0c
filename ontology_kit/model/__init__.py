"""Pydantic models of the ontology file format."""

from __future__ import annotations

from .ontology import Category, Classification, Ontology, Option, Relation, Tool, TreeNode

__all__ = ["Category", "Classification", "Ontology", "Option", "Relation", "Tool", "TreeNode"]
