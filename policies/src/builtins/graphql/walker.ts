/**
 * gqlparser's validation walker: visits operations (following fragment spreads once per operation), then every
 * fragment on its own, resolving each node against the schema. Where gqlparser writes the resolution into the AST,
 * this keeps it in side tables, so validating never changes the document a policy gets back.
 */
import type {
  Definition,
  Directive,
  DirectiveDefinition,
  Field,
  FieldDefinition,
  FragmentDefinition,
  FragmentSpread,
  GqlValue,
  InlineFragment,
  OperationDefinition,
  QueryDocument,
  Selection,
  TypeRef,
  VariableDefinition,
} from './ast.js';
import { ValueKind, typeName } from './ast.js';
import type { Schema } from './schema.js';

export interface ValueInfo {
  expectedType?: TypeRef;
  expectedTypeHasDefault: boolean;
  definition?: Definition;
  variableDefinition?: VariableDefinition;
}

export interface DirectiveInfo {
  definition?: DirectiveDefinition;
  location: string;
}

type Handler<T> = (w: Walker, node: T) => void;

export class Events {
  readonly operation: Handler<OperationDefinition>[] = [];
  readonly field: Handler<Field>[] = [];
  readonly fragment: Handler<FragmentDefinition>[] = [];
  readonly inlineFragment: Handler<InlineFragment>[] = [];
  readonly fragmentSpread: Handler<FragmentSpread>[] = [];
  readonly directive: Handler<Directive>[] = [];
  readonly directiveList: Handler<readonly Directive[]>[] = [];
  readonly value: Handler<GqlValue>[] = [];
  readonly variable: Handler<VariableDefinition>[] = [];
}

const TYPENAME: FieldDefinition = {
  description: '',
  name: '__typename',
  arguments: [],
  type: { namedType: 'String', nonNull: false },
  directives: [],
};

const ROOT_LOCATION: Record<string, string> = { query: 'QUERY', '': 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' };

export class Walker {
  currentOperation: OperationDefinition | undefined;
  readonly fieldDef = new Map<Field, FieldDefinition | undefined>();
  readonly objectDef = new Map<Selection, Definition | undefined>();
  readonly spreadDef = new Map<FragmentSpread, FragmentDefinition | undefined>();
  readonly fragmentTypeDef = new Map<FragmentDefinition, Definition | undefined>();
  readonly valueInfo = new Map<GqlValue, ValueInfo>();
  readonly directiveInfo = new Map<Directive, DirectiveInfo>();
  readonly variableTypeDef = new Map<VariableDefinition, Definition | undefined>();
  readonly usedVariables = new Set<VariableDefinition>();
  private validatedSpreads = new Set<string>();

  constructor(
    readonly schema: Schema,
    readonly document: QueryDocument,
    private readonly events: Events,
  ) {}

  fragmentNamed(name: string): FragmentDefinition | undefined {
    return this.document.fragments.find((f) => f.name === name);
  }

  rootFor(operation: string): Definition | undefined {
    if (operation === 'mutation') return this.schema.mutation;
    if (operation === 'subscription') return this.schema.subscription;
    return operation === 'query' || operation === '' ? this.schema.query : undefined;
  }

  info(v: GqlValue): ValueInfo {
    let i = this.valueInfo.get(v);
    if (!i) {
      i = { expectedTypeHasDefault: false };
      this.valueInfo.set(v, i);
    }
    return i;
  }

  walk(): void {
    for (const op of this.document.operations) {
      this.validatedSpreads = new Set();
      this.walkOperation(op);
    }
    for (const frag of this.document.fragments) {
      this.validatedSpreads = new Set();
      this.walkFragment(frag);
    }
  }

  private walkOperation(op: OperationDefinition): void {
    this.currentOperation = op;
    for (const v of op.variableDefinitions) {
      this.variableTypeDef.set(v, this.schema.types.get(typeName(v.type)));
      // gqlparser only ever sets Used, so a document that arrives marked used stays used.
      if (v.used) this.usedVariables.add(v);
      for (const h of this.events.variable) h(this, v);
      if (v.defaultValue) {
        const info = this.info(v.defaultValue);
        info.expectedType = v.type;
        info.definition = this.schema.types.get(typeName(v.type));
      }
    }
    const root = this.rootFor(op.operation);
    for (const v of op.variableDefinitions) {
      if (v.defaultValue) this.walkValue(v.defaultValue);
      this.walkDirectives(v.directives, 'VARIABLE_DEFINITION');
    }
    this.walkDirectives(op.directives, ROOT_LOCATION[op.operation] ?? '');
    this.walkSelectionSet(root, op.selectionSet);
    for (const h of this.events.operation) h(this, op);
    this.currentOperation = undefined;
  }

  private walkFragment(frag: FragmentDefinition): void {
    const def = this.schema.types.get(frag.typeCondition);
    this.fragmentTypeDef.set(frag, def);
    this.walkDirectives(frag.directives, 'FRAGMENT_DEFINITION');
    this.walkSelectionSet(def, frag.selectionSet);
    for (const h of this.events.fragment) h(this, frag);
  }

  private walkDirectives(directives: readonly Directive[], location: string): void {
    for (const dir of directives) {
      const def = this.schema.directives.get(dir.name);
      this.directiveInfo.set(dir, { definition: def, location });
      for (const arg of dir.arguments) this.walkArgument(def?.arguments.find((a) => a.name === arg.name), arg.value);
      for (const h of this.events.directive) h(this, dir);
    }
    for (const h of this.events.directiveList) h(this, directives);
  }

  private walkArgument(argDef: { type?: TypeRef; defaultValue?: GqlValue } | undefined, value: GqlValue | undefined): void {
    if (!value) return;
    if (argDef) {
      const info = this.info(value);
      info.expectedType = argDef.type;
      info.expectedTypeHasDefault = argDef.defaultValue !== undefined && argDef.defaultValue.kind !== ValueKind.Null;
      info.definition = this.schema.types.get(typeName(argDef.type));
    }
    this.walkValue(value);
  }

  private walkValue(value: GqlValue): void {
    const info = this.info(value);
    if (value.kind === ValueKind.Variable && this.currentOperation) {
      info.variableDefinition = this.currentOperation.variableDefinitions.find((v) => v.variable === value.raw);
      if (info.variableDefinition) this.usedVariables.add(info.variableDefinition);
    }
    if (value.kind === ValueKind.Object) {
      for (const child of value.children) {
        if (!child.value) continue;
        const fieldDef = info.definition?.fields.find((f) => f.name === child.name);
        if (fieldDef) {
          const ci = this.info(child.value);
          ci.expectedType = fieldDef.type;
          ci.expectedTypeHasDefault = fieldDef.defaultValue !== undefined && fieldDef.defaultValue.kind !== ValueKind.Null;
          ci.definition = this.schema.types.get(typeName(fieldDef.type));
        }
        this.walkValue(child.value);
      }
    }
    if (value.kind === ValueKind.List) {
      for (const child of value.children) {
        if (!child.value) continue;
        if (info.expectedType?.elem) {
          const ci = this.info(child.value);
          ci.expectedType = info.expectedType.elem;
          ci.definition = info.definition;
        }
        this.walkValue(child.value);
      }
    }
    for (const h of this.events.value) h(this, value);
  }

  private walkSelectionSet(parent: Definition | undefined, set: readonly Selection[]): void {
    for (const sel of set) this.walkSelection(parent, sel);
  }

  private walkSelection(parent: Definition | undefined, sel: Selection): void {
    this.objectDef.set(sel, parent);
    if (sel.kind === 'field') {
      const def = sel.name === '__typename' ? TYPENAME : parent?.fields.find((f) => f.name === sel.name);
      this.fieldDef.set(sel, def);
      const next = def ? this.schema.types.get(typeName(def.type)) : undefined;
      for (const arg of sel.arguments) this.walkArgument(def?.arguments.find((a) => a.name === arg.name), arg.value);
      this.walkDirectives(sel.directives, 'FIELD');
      this.walkSelectionSet(next, sel.selectionSet);
      for (const h of this.events.field) h(this, sel);
    } else if (sel.kind === 'inline') {
      const next = sel.typeCondition !== '' ? this.schema.types.get(sel.typeCondition) : parent;
      this.walkDirectives(sel.directives, 'INLINE_FRAGMENT');
      this.walkSelectionSet(next, sel.selectionSet);
      for (const h of this.events.inlineFragment) h(this, sel);
    } else {
      const def = this.fragmentNamed(sel.name);
      this.spreadDef.set(sel, def);
      const next = def ? this.schema.types.get(def.typeCondition) : undefined;
      this.walkDirectives(sel.directives, 'FRAGMENT_SPREAD');
      if (def && !this.validatedSpreads.has(def.name)) {
        this.validatedSpreads.add(def.name);
        this.walkSelectionSet(next, def.selectionSet);
      }
      for (const h of this.events.fragmentSpread) h(this, sel);
    }
  }
}
