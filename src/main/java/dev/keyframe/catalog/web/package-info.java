/**
 * The catalog's pages and REST endpoints: the library, an asset's page, its live updates.
 */
@NullMarked
package dev.keyframe.catalog.web;

import org.jspecify.annotations.NullMarked;
