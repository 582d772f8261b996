/**
 * Who may do what: users with a role (viewer, editor, admin), form sign-in for pages, personal API tokens for
 * the REST API, the first admin account, and the one place that states who may use each page and endpoint.
 */
@NullMarked
@ApplicationModule(displayName = "Identity")
package dev.keyframe.identity;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
