/**
 * XSD → shapes: the one model both the GraphQL types (sdl.ts) and the wire
 * (envelope.ts, response.ts) are derived from, so what the subgraph declares
 * and what travels can never drift apart.
 *
 * Inheritance (complexContent extension/restriction, simpleContent) is
 * flattened into each type's fields, base fields first, which is also the
 * element order xs:sequence demands on the wire.
 */
import {
  createNameAllocator,
  RESERVED_TYPE_NAMES,
  toEnumValue,
  toFieldName,
  toTypeName,
  type NameAllocator,
  type SourceWarning,
  type ValueConstraint,
} from '../common/index.js';
import type { SchemaDocument } from './contract.js';
import { XSD_BUILTINS, type ScalarName } from './xsd-builtins.js';
import {
  addBuiltinFacets,
  addSimpleTypeFacets,
  emptyFacets,
  facetConstraint,
  type Facets,
} from './xsd-facets.js';
import { qnameKey, resolveQName, XSD_NS, type QName, type XmlElement } from './xml.js';

export interface ScalarShape {
  readonly kind: 'scalar';
  readonly scalar: ScalarName;
}
export interface EnumShape {
  readonly kind: 'enum';
  readonly name: string;
  /** GraphQL value ↔ the literal on the wire, in schema order. */
  readonly values: ReadonlyArray<{ readonly graphql: string; readonly xml: string }>;
  readonly description?: string;
}
export interface ObjectShape {
  readonly kind: 'object';
  readonly name: string;
  readonly inputName: string;
  readonly fields: FieldShape[];
  description?: string;
}
export type Shape = ScalarShape | EnumShape | ObjectShape;

export interface FieldShape {
  /** GraphQL field name, unique in its type. */
  readonly name: string;
  /** Local name on the wire (element or attribute). */
  readonly xmlName: string;
  /** Namespace of the element on the wire; '' when unqualified. */
  readonly ns: string;
  readonly role: 'element' | 'attribute' | 'text' | 'any' | 'anyAttribute';
  readonly list: boolean;
  /** minOccurs=0, nillable, inside a choice, or an optional attribute. */
  readonly optional: boolean;
  readonly nillable: boolean;
  readonly shape: Shape;
  /** Input only: the XSD facets and occurrence bounds of the value, printed as `@constraint`. */
  readonly constraint?: ValueConstraint;
}

/** The field of an empty complexType: GraphQL object types need one field. */
export const EMPTY_FIELD = '_empty';

interface Declared {
  readonly element: XmlElement;
  readonly schema: SchemaDocument;
}

export interface ShapeRegistry {
  /** The shape of a global element's content. */
  elementShape(
    name: QName,
  ): { shape: Shape; nillable: boolean; ns: string; local: string } | undefined;
  typeShape(name: QName, context: string): Shape;
  /** The facets of a named type, fitted to its shape (for rpc parts with `type=`). */
  typeConstraint(name: QName, context: string): ValueConstraint | undefined;
  /** The facets of a global element's simple content, fitted to its shape. */
  elementConstraint(name: QName, context: string): ValueConstraint | undefined;
  /** Shape of an element's content given its declaration site (used for rpc parts with `type=`). */
  readonly warnings: SourceWarning[];
  readonly typeNames: NameAllocator;
  /** Every enum and object shape created, in creation order. */
  readonly created: ReadonlyArray<EnumShape | ObjectShape>;
}

const JSON_SHAPE: ScalarShape = { kind: 'scalar', scalar: 'JSON' };
const STRING_SHAPE: ScalarShape = { kind: 'scalar', scalar: 'String' };

function occurs(element: XmlElement): { min: number; max: number } {
  const min = element.attrs.minOccurs === undefined ? 1 : Number(element.attrs.minOccurs);
  const rawMax = element.attrs.maxOccurs;
  const max =
    rawMax === undefined ? 1 : rawMax === 'unbounded' ? Number.POSITIVE_INFINITY : Number(rawMax);
  return { min: Number.isNaN(min) ? 1 : min, max: Number.isNaN(max) ? 1 : max };
}

function documentation(element: XmlElement): string | undefined {
  const annotation = element.children.find(
    (child) => child.ns === XSD_NS && child.local === 'annotation',
  );
  const doc = annotation?.children.find(
    (child) => child.ns === XSD_NS && child.local === 'documentation',
  );
  const text = doc?.text.trim().replace(/\s+/g, ' ');
  return text ? text.slice(0, 500) : undefined;
}

const xsdChildren = (element: XmlElement, ...locals: string[]): XmlElement[] =>
  element.children.filter((child) => child.ns === XSD_NS && locals.includes(child.local));

export function createShapeRegistry(schemas: readonly SchemaDocument[]): ShapeRegistry {
  const tables = {
    element: new Map<string, Declared>(),
    complexType: new Map<string, Declared>(),
    simpleType: new Map<string, Declared>(),
    group: new Map<string, Declared>(),
    attributeGroup: new Map<string, Declared>(),
    attribute: new Map<string, Declared>(),
  };
  for (const schema of schemas) {
    for (const child of schema.element.children) {
      if (child.ns !== XSD_NS || child.attrs.name === undefined) continue;
      const table = tables[child.local as keyof typeof tables] as Map<string, Declared> | undefined;
      const key = qnameKey({ ns: schema.targetNamespace, local: child.attrs.name });
      if (table && !table.has(key)) table.set(key, { element: child, schema });
    }
  }
  const warnings: SourceWarning[] = [];
  const typeNames = createNameAllocator(RESERVED_TYPE_NAMES);
  const created: Array<EnumShape | ObjectShape> = [];
  const byTypeKey = new Map<string, Shape>();
  const byElementKey = new Map<string, Shape>();

  /** A readable name; on a clash the namespace's last word goes first, then a number. */
  const claimTypeName = (raw: string, ns: string): string => {
    const base = toTypeName(raw);
    if (!typeNames.has(base)) return typeNames.claim(base);
    const nsWord = toTypeName(ns.replace(/\/+$/, '').split(/[/:#]/).filter(Boolean).pop() ?? '');
    return typeNames.claim(nsWord && nsWord !== 'Type' ? `${nsWord}${base}` : base);
  };

  const warn = (path: string | SourceWarning, message = ''): void => {
    const warning = typeof path === 'string' ? { path, message } : path;
    if (!warnings.some((w) => w.path === warning.path && w.message === warning.message))
      warnings.push(warning);
  };
  const lookupSimple = (name: QName): XmlElement | undefined =>
    tables.simpleType.get(qnameKey(name))?.element;

  const simpleShape = (declared: Declared, name: string, ns: string): Shape => {
    const { element } = declared;
    const restriction = xsdChildren(element, 'restriction')[0];
    if (restriction) {
      const enums = xsdChildren(restriction, 'enumeration');
      if (enums.length > 0) {
        const values = createNameAllocator();
        const shape: EnumShape = {
          kind: 'enum',
          name: claimTypeName(name, ns),
          values: enums.map((e) => ({
            graphql: values.claim(toEnumValue(e.attrs.value ?? '')),
            xml: e.attrs.value ?? '',
          })),
          description: documentation(element),
        };
        created.push(shape);
        return shape;
      }
      if (restriction.attrs.base)
        return typeShape(resolveQName(restriction, restriction.attrs.base), name);
      const inline = xsdChildren(restriction, 'simpleType')[0];
      return inline
        ? simpleShape({ element: inline, schema: declared.schema }, name, ns)
        : STRING_SHAPE;
    }
    // xs:list and xs:union read as their literal text.
    return STRING_SHAPE;
  };

  function typeShape(name: QName, context: string): Shape {
    if (name.ns === XSD_NS) {
      const scalar = XSD_BUILTINS.get(name.local);
      if (scalar === undefined)
        warn(context, `Unknown XML Schema type xs:${name.local} is read as JSON.`);
      return scalar ? { kind: 'scalar', scalar } : JSON_SHAPE;
    }
    const key = qnameKey(name);
    const memo = byTypeKey.get(key);
    if (memo) return memo;
    const simple = tables.simpleType.get(key);
    if (simple) {
      const shape = simpleShape(simple, name.local, name.ns);
      byTypeKey.set(key, shape);
      return shape;
    }
    const complex = tables.complexType.get(key);
    if (complex) return complexShape(complex, name.local, name.ns, key);
    // SOAP-encoding arrays and types from schemas the contract does not ship.
    warn(
      context,
      `Type ${name.local} in namespace "${name.ns}" is not defined in the contract; it is read as JSON.`,
    );
    byTypeKey.set(key, JSON_SHAPE);
    return JSON_SHAPE;
  }

  /** Fills an object shape for a complexType (named or anonymous). Memoised before filling, so recursion ends. */
  function complexShape(
    declared: Declared,
    rawName: string,
    ns: string,
    memoKey?: string,
    elementKey?: string,
  ): Shape {
    const { element } = declared;
    const typeName = claimTypeName(rawName, ns);
    const shape: ObjectShape = {
      kind: 'object',
      name: typeName,
      inputName: typeNames.claim(`${typeName}Input`),
      fields: [],
      description: documentation(element),
    };
    if (memoKey) byTypeKey.set(memoKey, shape);
    if (elementKey) byElementKey.set(elementKey, shape);
    created.push(shape);
    const names = createNameAllocator();
    collectComplex(declared, shape, names, typeName, new Set());
    if (shape.fields.length === 0)
      shape.fields.push({
        name: EMPTY_FIELD,
        xmlName: '',
        ns: '',
        role: 'text',
        list: false,
        optional: true,
        nillable: false,
        shape: { kind: 'scalar', scalar: 'Boolean' },
      });
    return shape;
  }

  const push = (
    target: ObjectShape,
    names: NameAllocator,
    field: Omit<FieldShape, 'name'>,
    raw: string,
  ): void => {
    target.fields.push({ ...field, name: names.claim(toFieldName(raw)) });
  };

  function collectComplex(
    declared: Declared,
    target: ObjectShape,
    names: NameAllocator,
    context: string,
    visiting: Set<string>,
  ): void {
    const { element, schema } = declared;
    if (element.attrs.mixed === 'true')
      warn(context, 'Mixed content: the text between elements is not exposed.');
    const content = xsdChildren(element, 'complexContent', 'simpleContent')[0];
    if (content) {
      const derivation = xsdChildren(content, 'extension', 'restriction')[0];
      if (derivation === undefined) return;
      const base = derivation.attrs.base
        ? resolveQName(derivation, derivation.attrs.base)
        : undefined;
      const baseKey = base ? qnameKey(base) : '';
      const baseComplex = base ? tables.complexType.get(baseKey) : undefined;
      if (content.local === 'simpleContent') {
        if (baseComplex && !visiting.has(baseKey)) {
          collectComplex(baseComplex, target, names, context, new Set([...visiting, baseKey]));
        } else if (base) {
          push(
            target,
            names,
            {
              xmlName: '',
              ns: '',
              role: 'text',
              list: false,
              optional: true,
              nillable: false,
              shape: typeShape(base, context),
            },
            'value',
          );
        }
        collectAttributes(derivation, schema, target, names, context);
        return;
      }
      // complexContent: an extension inherits the base's content; a restriction restates it.
      if (baseComplex && !visiting.has(baseKey) && derivation.local === 'extension') {
        collectComplex(baseComplex, target, names, context, new Set([...visiting, baseKey]));
      } else if (base && base.ns !== XSD_NS && !baseComplex) {
        warn(
          context,
          `Base type ${base.local} is not defined in the contract; its fields are left out.`,
        );
      }
      collectParticles(derivation, schema, target, names, context, false, false);
      collectAttributes(derivation, schema, target, names, context);
      if (derivation.local === 'restriction' && baseComplex && !visiting.has(baseKey)) {
        // A restriction restates the content but inherits the attributes it does not redeclare.
        const inherited: ObjectShape = {
          kind: 'object',
          name: target.name,
          inputName: target.inputName,
          fields: [],
        };
        collectComplex(
          baseComplex,
          inherited,
          createNameAllocator(),
          context,
          new Set([...visiting, baseKey]),
        );
        for (const field of inherited.fields) {
          if (
            (field.role === 'attribute' || field.role === 'anyAttribute') &&
            !target.fields.some((own) => own.role === field.role && own.xmlName === field.xmlName)
          ) {
            push(target, names, field, field.name);
          }
        }
      }
      return;
    }
    collectParticles(element, schema, target, names, context, false, false);
    collectAttributes(element, schema, target, names, context);
  }

  function collectParticles(
    parent: XmlElement,
    schema: SchemaDocument,
    target: ObjectShape,
    names: NameAllocator,
    context: string,
    optional: boolean,
    list: boolean,
  ): void {
    for (const child of parent.children) {
      if (child.ns !== XSD_NS) continue;
      const { min, max } = occurs(child);
      const childOptional = optional || min === 0;
      const childList = list || max > 1;
      switch (child.local) {
        case 'sequence':
        case 'all':
          collectParticles(child, schema, target, names, context, childOptional, childList);
          break;
        case 'choice':
          collectParticles(child, schema, target, names, context, true, childList);
          break;
        case 'group': {
          const ref = child.attrs.ref
            ? tables.group.get(qnameKey(resolveQName(child, child.attrs.ref)))
            : undefined;
          if (ref)
            collectParticles(
              ref.element,
              ref.schema,
              target,
              names,
              context,
              childOptional,
              childList,
            );
          else
            warn(
              context,
              `Group ${child.attrs.ref ?? ''} is not defined in the contract; its fields are left out.`,
            );
          break;
        }
        case 'any':
          push(
            target,
            names,
            {
              xmlName: '',
              ns: '',
              role: 'any',
              list: false,
              optional: true,
              nillable: false,
              shape: JSON_SHAPE,
            },
            'any',
          );
          break;
        case 'element':
          // Occurrence bounds count items only when no enclosing particle repeats.
          collectElement(
            child,
            schema,
            target,
            names,
            context,
            childOptional,
            childList,
            list ? undefined : { min: optional ? 0 : min, max },
          );
          break;
        default:
          break;
      }
    }
  }

  function collectElement(
    decl: XmlElement,
    schema: SchemaDocument,
    target: ObjectShape,
    names: NameAllocator,
    context: string,
    optional: boolean,
    list: boolean,
    counted: { min: number; max: number } | undefined,
  ): void {
    if (decl.attrs.ref) {
      const refName = resolveQName(decl, decl.attrs.ref);
      const global = elementShape(refName);
      const refDecl = tables.element.get(qnameKey(refName));
      const shape = global?.shape ?? JSON_SHAPE;
      if (!global)
        warn(
          context,
          `Element ${refName.local} is not defined in the contract; it is read as JSON.`,
        );
      push(
        target,
        names,
        {
          xmlName: refName.local,
          ns: refName.ns,
          role: 'element',
          list,
          optional: optional || (global?.nillable ?? false),
          nillable: global?.nillable ?? false,
          shape,
          ...fieldConstraint(
            refDecl === undefined ? emptyFacets() : declFacets(refDecl.element),
            shape,
            list,
            counted,
            context,
          ),
        },
        refName.local,
      );
      return;
    }
    const local = decl.attrs.name ?? 'value';
    const qualified = decl.attrs.form ? decl.attrs.form === 'qualified' : schema.elementQualified;
    const nillable = decl.attrs.nillable === 'true';
    const shape = contentShape(decl, schema, `${target.name}${toTypeName(local)}`, context);
    push(
      target,
      names,
      {
        xmlName: local,
        ns: qualified ? schema.targetNamespace : '',
        role: 'element',
        list,
        optional: optional || nillable,
        nillable,
        shape,
        ...fieldConstraint(declFacets(decl), shape, list, counted, context),
      },
      local,
    );
  }

  /** The facets of an element's or attribute's simple type (named, built-in or inline). */
  function declFacets(decl: XmlElement): Facets {
    const facets = emptyFacets();
    if (decl.attrs.type) addTypeFacets(facets, resolveQName(decl, decl.attrs.type));
    else {
      const inline = xsdChildren(decl, 'simpleType')[0];
      if (inline) addSimpleTypeFacets(facets, inline, lookupSimple);
    }
    return facets;
  }

  function addTypeFacets(facets: Facets, name: QName): void {
    if (name.ns === XSD_NS) addBuiltinFacets(facets, name.local);
    else {
      const simple = lookupSimple(name);
      if (simple) addSimpleTypeFacets(facets, simple, lookupSimple);
    }
  }

  /** `{ constraint }` for a field of `shape`, or nothing when the contract states no limit that fits. */
  function fieldConstraint(
    facets: Facets,
    shape: Shape,
    list: boolean,
    counted: { min: number; max: number } | undefined,
    context: string,
  ): { constraint?: ValueConstraint } {
    const own =
      shape.kind === 'scalar' ? facetConstraint(facets, shape.scalar, context, warn) : undefined;
    const items: Record<string, number> = {};
    if (list && counted !== undefined) {
      if (counted.min > 0) items.minItems = counted.min;
      if (Number.isFinite(counted.max)) items.maxItems = counted.max;
    }
    const merged = { ...(own ?? {}), ...items };
    return Object.keys(merged).length === 0 ? {} : { constraint: merged };
  }

  /** The content of an element declaration: its `type`, an inline type, or anyType. */
  function contentShape(
    decl: XmlElement,
    schema: SchemaDocument,
    anonymousName: string,
    context: string,
    elementKey?: string,
  ): Shape {
    if (decl.attrs.type) return typeShape(resolveQName(decl, decl.attrs.type), context);
    const inlineComplex = xsdChildren(decl, 'complexType')[0];
    if (inlineComplex)
      return complexShape(
        { element: inlineComplex, schema },
        anonymousName,
        schema.targetNamespace,
        undefined,
        elementKey,
      );
    const inlineSimple = xsdChildren(decl, 'simpleType')[0];
    if (inlineSimple)
      return simpleShape({ element: inlineSimple, schema }, anonymousName, schema.targetNamespace);
    return JSON_SHAPE;
  }

  function collectAttributes(
    parent: XmlElement,
    schema: SchemaDocument,
    target: ObjectShape,
    names: NameAllocator,
    context: string,
  ): void {
    for (const child of parent.children) {
      if (child.ns !== XSD_NS) continue;
      if (child.local === 'attributeGroup') {
        const ref = child.attrs.ref
          ? tables.attributeGroup.get(qnameKey(resolveQName(child, child.attrs.ref)))
          : undefined;
        if (ref) collectAttributes(ref.element, ref.schema, target, names, context);
        else
          warn(
            context,
            `Attribute group ${child.attrs.ref ?? ''} is not defined in the contract; its attributes are left out.`,
          );
      } else if (child.local === 'anyAttribute') {
        push(
          target,
          names,
          {
            xmlName: '',
            ns: '',
            role: 'anyAttribute',
            list: false,
            optional: true,
            nillable: false,
            shape: JSON_SHAPE,
          },
          'otherAttributes',
        );
      } else if (child.local === 'attribute') {
        if (child.attrs.use === 'prohibited') continue;
        let decl = child;
        let declSchema = schema;
        let ns = '';
        if (child.attrs.ref) {
          const refName = resolveQName(child, child.attrs.ref);
          const global = tables.attribute.get(qnameKey(refName));
          ns = refName.ns;
          if (global) {
            decl = global.element;
            declSchema = global.schema;
          } else {
            push(
              target,
              names,
              {
                xmlName: refName.local,
                ns,
                role: 'attribute',
                list: false,
                optional: true,
                nillable: false,
                shape: STRING_SHAPE,
              },
              refName.local,
            );
            continue;
          }
        } else {
          const qualified = child.attrs.form
            ? child.attrs.form === 'qualified'
            : schema.attributeQualified;
          ns = qualified ? schema.targetNamespace : '';
        }
        const local = decl.attrs.name ?? 'attribute';
        const shape = decl.attrs.type
          ? typeShape(resolveQName(decl, decl.attrs.type), context)
          : xsdChildren(decl, 'simpleType')[0]
            ? simpleShape(
                { element: xsdChildren(decl, 'simpleType')[0] as XmlElement, schema: declSchema },
                `${target.name}${toTypeName(local)}`,
                declSchema.targetNamespace,
              )
            : STRING_SHAPE;
        push(
          target,
          names,
          {
            xmlName: local,
            ns,
            role: 'attribute',
            list: false,
            optional: child.attrs.use !== 'required',
            nillable: false,
            shape: shape.kind === 'object' ? STRING_SHAPE : shape,
            ...fieldConstraint(declFacets(decl), shape, false, undefined, context),
          },
          local,
        );
      }
    }
  }

  function elementShape(
    name: QName,
  ): { shape: Shape; nillable: boolean; ns: string; local: string } | undefined {
    const key = qnameKey(name);
    const declared = tables.element.get(key);
    if (!declared) return undefined;
    const nillable = declared.element.attrs.nillable === 'true';
    const memo = byElementKey.get(key);
    const shape =
      memo ?? contentShape(declared.element, declared.schema, name.local, name.local, key);
    byElementKey.set(key, shape);
    return { shape, nillable, ns: declared.schema.targetNamespace, local: name.local };
  }

  function typeConstraint(name: QName, context: string): ValueConstraint | undefined {
    const shape = typeShape(name, context);
    const facets = emptyFacets();
    addTypeFacets(facets, name);
    return fieldConstraint(facets, shape, false, undefined, context).constraint;
  }

  function elementConstraint(name: QName, context: string): ValueConstraint | undefined {
    const declared = tables.element.get(qnameKey(name));
    const found = elementShape(name);
    if (declared === undefined || found === undefined) return undefined;
    return fieldConstraint(declFacets(declared.element), found.shape, false, undefined, context)
      .constraint;
  }

  return {
    elementShape,
    typeShape,
    typeConstraint,
    elementConstraint,
    warnings,
    typeNames,
    created,
  };
}
