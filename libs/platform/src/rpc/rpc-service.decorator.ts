import type { DescService } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Nest's discoverable metadata: RpcModule finds the providers carrying it at bootstrap. */
export const RpcServiceMetadata = DiscoveryService.createDecorator<DescService>();

/**
 * Marks a plain Nest provider as the implementation of a protobuf service. The class must
 * implement every method of the service (named as the generated `localName`, e.g. `echo`),
 * which the compiler checks here, so a renamed or mistyped method is a build error rather
 * than an Unimplemented at run time.
 *
 *   @RpcService(EchoService)
 *   export class EchoRpc implements ServiceImpl<typeof EchoService> { … }
 */
export function RpcService<T extends DescService>(service: T) {
  return <C extends new (...args: never[]) => ServiceImpl<T>>(target: C): void => {
    Injectable()(target);
    RpcServiceMetadata(service)(target);
  };
}
