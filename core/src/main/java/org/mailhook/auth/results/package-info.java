/**
 * The Authentication-Results header (RFC 8601): writing it for this server's authserv-id and finding
 * forged copies of it that arrived with the mail. May import the result types of the other auth
 * subpackages.
 */
package org.mailhook.auth.results;
