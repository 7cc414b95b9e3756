"""Checking a program: a file's paras, and every para they use, to typed IR.

Declarations are checked on demand, each once, so a para is checked before the paras that
use it need its IR; the program lists each para after the paras it uses, and a para that
uses itself is an error. The per-para checks the driver hands over run on each para as
soon as it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..resolve import DeclKey, Loader, Unit
from ..syntax import ast
from ..types import Kind, TensorType
from . import algebras, builtins, ranges, semirings, specialise
from .bindings import Binding, ErrorB, FunctorB, GlobalB, SemiringB
from .context import DeclContext
from .specialise import Instance
from .declaration import check_declaration
from .leaves import Leaf, leaf_types_of, leaves_of
from .scope import binder_tables_quiet
from .signatures import Signature, signature

#: A check of one para's IR, run once it is built: reports to the sink, True if it passes.
ParaCheck = Callable[[ir.ParaDef, DiagnosticSink], bool]


class Checker:
    """Checks declarations on demand, each once, callees before their callers."""

    def __init__(self, loader: Loader, sink: DiagnosticSink, checks: Sequence[ParaCheck] = ()):
        """`checks` run on each para's IR as soon as it is built; a para that fails one
        counts as not checked, so its users report nothing more about it."""
        self.loader = loader
        self.sink = sink
        self.checks = tuple(checks)
        self._sigs: dict[DeclKey, Signature] = {}
        self._defs: dict[DeclKey, ir.ParaDef | None] = {}
        self._deps: dict[DeclKey, list[tuple[DeclKey, Span]]] = {}
        self._globals: dict[str, dict[str, Binding]] = {}  # per file: its scope, as bindings
        self._use_keys: dict[DeclKey, dict[str, DeclKey]] = {}  # per para: each use's callee
        self._leaves: dict[DeclKey, list[Leaf] | None] = {}
        self._open_leaves: dict[DeclKey, list[Leaf] | None] = {}
        self._leaf_types: dict[DeclKey, frozenset[TensorType] | None] = {}
        self._instances: dict[DeclKey, Instance] = {}  # the instances of generic paras, by key
        self._instance_keys: dict[tuple, DeclKey] = {}  # an instance's arguments -> its key
        self._needs: dict[DeclKey, ranges.CalleeNeeds] = {}

    def check_unit(self, unit: Unit, also: tuple[str, ...] = ()) -> list[ir.ParaDef] | None:
        """The checked paras of the file and everything they use, callees first; `also` names
        imported paras to include even if the file does not use them (for `para cost NAME`
        and the like). Paras with errors are left out; None if the file did not parse."""
        if unit.module is None:
            return None
        for decl in unit.module.decls:
            if isinstance(decl, ast.FunctorDecl) and unit.own.get(decl.name.name) is decl:
                algebras.check_functor(self.sink, decl)
            elif isinstance(decl, ast.SemiringDecl) and unit.own.get(decl.name.name) is decl:
                semirings.semiring_table(decl, self.sink)
        for decl in unit.module.decls:
            if isinstance(decl, ast.ParaDecl) and unit.own.get(decl.name.name) is decl:
                self.para(DeclKey(unit.file, decl.name.name))
        roots = [DeclKey(unit.file, n) for n, d in unit.own.items() if isinstance(d, ast.ParaDecl)]
        for name in also:
            key = unit.scope.get(name)
            if key is not None and key not in roots and isinstance(self.loader.units[key.file].own.get(key.name), ast.ParaDecl):
                self.para(key)
                roots.append(key)
        return [d for d in (self._defs[k] for k in self._order(roots)) if d is not None]

    def signature(self, key: DeclKey) -> Signature:
        if key not in self._sigs:
            self._sigs[key] = signature(key, self.decl(key), self.sink)
        return self._sigs[key]

    def decl(self, key: DeclKey) -> ast.ParaDecl:
        """A declaration, as written or as an instance of a generic para."""
        inst = self._instances.get(key)
        return inst.decl if inst is not None else self.loader.decl(key)

    def _unit_globals(self, unit: Unit) -> dict[str, Binding]:
        if unit.file not in self._globals:
            scope: dict[str, Binding] = {}
            for name, sub in unit.scope.items():
                decl = self.loader.units[sub.file].own[sub.name]
                if isinstance(decl, ast.FunctorDecl):
                    scope[name] = FunctorB(sub, decl)
                elif isinstance(decl, ast.SemiringDecl):
                    scope[name] = SemiringB(sub, decl)
                else:
                    scope[name] = GlobalB(self.signature(sub))
            # A declaration that did not parse is known by name, so that its uses stay quiet.
            for name in unit.broken:
                scope.setdefault(name, ErrorB())
            self._globals[unit.file] = scope
        return self._globals[unit.file]

    # ------------------------------------------------------------------ Callees
    def para(self, key: DeclKey) -> ir.ParaDef | None:
        """The IR of a para, checked on first request; None if it has an error or is being checked."""
        if key in self._defs:
            return self._defs[key]
        self._defs[key] = None  # in progress
        sig = self.signature(key)
        if sig.generic:
            return None  # checked only as its instances
        inst = self._instances.get(key) or self._alias(key)
        decl = self.decl(key) if inst is None else inst.decl
        unit = self.loader.units[key.file if inst is None else inst.scope_file]
        scope = self._unit_globals(unit)
        if inst is not None and inst.overlay:
            scope = {**scope, **inst.overlay}
        ctx = DeclContext(self, key, decl, unit, sig, self.sink, scope, binder_tables_quiet(decl)[0])
        self._use_keys[key] = ctx.use_keys
        self._deps[key] = ctx.deps
        d = check_declaration(ctx)
        if d is not None and not all([check(d, self.sink) for check in self.checks]):
            d = None
        self._defs[key] = d
        return d

    def _alias(self, key: DeclKey) -> Instance | None:
        """A para written as one use of a generic para is that instance, its own name kept;
        and so, in turn, is an instance whose body is one use of another generic
        (`MPNNSum = MPNN(agg = Sum(h))`, `MPNN = MessagePassing(...)`), so that the para holds
        the innermost instance's parameters as its own, not under a use named for each level."""
        inst = self._alias_of(self.loader.decl(key), key.file, {})
        if inst is None:
            return None
        while (deeper := self._alias_of(inst.decl, inst.scope_file, inst.overlay)) is not None:
            inst = deeper
        self._instances[key] = inst
        return inst

    def _alias_of(self, decl: ast.ParaDecl, file: str, overlay: Mapping[str, Binding]) -> Instance | None:
        """The instance `decl` is, if it is written as one use of a generic para."""
        unit = self.loader.units[file]
        scope = {**self._unit_globals(unit), **overlay}
        found = specialise.alias_call(decl, scope)
        if found is None:
            return None
        call, generic = found
        own = [b.name.name for b in decl.binders if b.kind.name in builtins.INDEX_KINDS]
        own_kinds = {b.name.name: Kind(b.kind.name) for b in decl.binders if b.kind.name in builtins.INDEX_KINDS}
        renames = {g: o for (g, _), o in zip(generic.index_sets, own)}
        kinds = {g: own_kinds[o] for g, o in renames.items()}
        args = specialise.bind(self.sink, generic, call, scope, binder_tables_quiet(decl)[0], kinds, self.decl)
        if args is None:
            return None
        gunit = self.loader.units[generic.key.file]
        return specialise.instance(self.decl(generic.key), args, gunit.file, self._unit_globals(gunit), decl.name,
                                   decl.binders, renames, decl.dom, decl.cod)

    def specialise_use(self, ctx: DeclContext, callee: Signature, call: ast.Call) -> tuple[Signature, ast.Call] | None:
        """The instance a use of a generic para names, made once per distinct arguments, and
        the use rewritten to it: its arguments are the caller's hyperparameters they read."""
        args = specialise.bind(self.sink, callee, call, ctx.globals, ctx.hypers, dict(callee.index_sets),
                               self.decl)
        if args is None:
            return None
        names = args.names()
        read = [b for b in ctx.decl.binders if b.kind.name in builtins.HYPER_KINDS and b.name.name in names]
        memo = (callee.key, ctx.key.file, args.fingerprint(), tuple((b.name.name, b.kind.name) for b in read))
        key = self._instance_keys.get(memo)
        if key is None:
            base = "_".join([callee.key.name, *args.callees()])
            taken = set(self.loader.units[ctx.key.file].scope) | {k.name for k in self._instances if k.file == ctx.key.file}
            name, i = base, 2
            while name in taken:
                name, i = f"{base}_{i}", i + 1
            key = DeclKey(ctx.key.file, name)
            gdecl = self.decl(callee.key)
            gunit = self.loader.units[callee.key.file]
            index = tuple(b for b in gdecl.binders if b.kind.name in builtins.INDEX_KINDS)
            self._instances[key] = specialise.instance(gdecl, args, gunit.file, self._unit_globals(gunit),
                                                       ast.Ident(gdecl.name.span, name), tuple(read) + index, {})
            self._instance_keys[memo] = key
        rewritten = ast.Call(call.span, ast.Name(call.func.span, key.name),
                             tuple(ast.Name(call.span, b.name.name) for b in read))
        return self.signature(key), rewritten

    def leaves(self, key: DeclKey) -> list[Leaf] | None:
        """Every parameter leaf of a checked para, its own and its uses', with the tied ones
        marked; types in the para's own names. None if the para did not check."""
        if key in self._leaves:
            return self._leaves[key]
        d = self.para(key)
        if d is None:
            return None
        out = leaves_of(d, self._use_keys[key], self)
        self._leaves[key] = out
        return out

    def open_leaves(self, key: DeclKey) -> list[Leaf] | None:
        """The leaves of a checked para that its user must give (`~ via`, tied nowhere), from
        its callees' open leaves, never from all its leaves. None if the para did not check."""
        if key not in self._open_leaves:
            d = self.para(key)
            self._open_leaves[key] = None if d is None else leaves_of(d, self._use_keys[key], self, open_only=True)
        return self._open_leaves[key]

    def leaf_types(self, key: DeclKey) -> frozenset[TensorType] | None:
        """The distinct types of a checked para's leaves, from its callees' leaf types, never
        from all its leaves. None if the para did not check."""
        if key not in self._leaf_types:
            d = self.para(key)
            self._leaf_types[key] = None if d is None else leaf_types_of(d, self._use_keys[key], self)
        return self._leaf_types[key]

    def needs(self, key: DeclKey) -> ranges.CalleeNeeds:
        """A checked para's hyperparameters and what it needs of them (`ranges.Requirement`),
        from its callees' needs, once per para; none if it did not check."""
        if key in self._needs:
            return self._needs[key]
        d = self.para(key)
        if d is None:
            return (), ()  # not kept: it may be in progress
        keys = self._use_keys[key]
        self._needs[key] = d.hypers, ranges.requirements_of(
            d, lambda u: self.needs(keys[u.name]) if u.name in keys else ((), ()))
        return self._needs[key]

    def uses_of(self, key: DeclKey) -> Mapping[str, DeclKey]:
        """The callee of each use of a para, as far as it is checked."""
        return self._use_keys.get(key, {})

    # ------------------------------------------------------------------ the program
    def _order(self, roots: list[DeclKey]) -> list[DeclKey]:
        """Callees first; reports a para that uses itself."""
        order: list[DeclKey] = []
        state: dict[DeclKey, int] = {}
        stack: list[DeclKey] = []

        def visit(k: DeclKey) -> None:
            if state.get(k) == 2:
                return
            if state.get(k) == 1:
                cycle = stack[stack.index(k):] + [k]
                span = next((s for d, s in self._deps.get(stack[-1], []) if d == k), self.decl(k).name.span)
                self.sink.error(Msg.RECURSIVE_PARA_PATH, span, name=k.name, path=[c.name for c in cycle])
                return
            if k not in self._defs:
                self.para(k)
            state[k] = 1
            stack.append(k)
            for d, _ in self._deps.get(k, []):
                visit(d)
            stack.pop()
            state[k] = 2
            if self._defs.get(k) is not None:
                order.append(k)

        for r in roots:
            visit(r)
        return order
