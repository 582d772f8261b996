/**
 * Account pages and the account REST API, and the current user as seen by every page.
 */
@NullMarked
package dev.keyframe.identity.web;

import org.jspecify.annotations.NullMarked;
