// A TypeDoc plugin: this project's documentation rules on top of TypeDoc's own validation
// (typedoc.json: every public symbol documented, links resolve, nothing public refers to an
// unexported type). Each broken rule is a warning, and typedoc.json makes warnings errors.
//   - every entry point has a module comment (`@module`): requiredToBeDocumented has Module;
//   - every exported function, and every class but the error classes, has an `@example`;
//   - every optional property of an options type (a name ending in `Options`) has a `@default`.
import { Application, ReflectionKind } from 'typedoc'

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Function | ReflectionKind.Class)) {
      if (reflection.kindOf(ReflectionKind.Class) && reflection.name.endsWith('Error')) continue
      const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)]
      if (!comments.some((c) => c?.getTag('@example'))) {
        app.logger.warn(`${reflection.getFriendlyFullName()} has no @example`)
      }
    }
    for (const options of project.getReflectionsByKind(ReflectionKind.Interface | ReflectionKind.TypeAlias)) {
      if (!options.name.endsWith('Options')) continue
      for (const property of options.children ?? []) {
        if (!property.kindOf(ReflectionKind.Property) || !property.flags.isOptional) continue
        if (!property.comment?.getTag('@default')) {
          app.logger.warn(`${property.getFriendlyFullName()} is optional but has no @default`)
        }
      }
    }
  })
}
